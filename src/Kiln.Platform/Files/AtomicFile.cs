using Kiln.Platform.Posix;

namespace Kiln.Platform.Files;

/// <summary>
/// The one way Kiln replaces a file: write a temporary, then <c>rename(2)</c> it over the destination, so that a
/// reader (or a run killed half-way) sees the old file or the new one, never a part. On failure (a full disk) the
/// temporary is removed and the exception passes on; the old file stays whole.
/// </summary>
/// <remarks>Not <c>File.Move</c>, which src/BannedSymbols.txt bans: see <see cref="FileRename"/>.</remarks>
internal static class AtomicFile
{
    /// <summary>The default temporary of <paramref name="path"/>: beside it (same file system, so rename is
    /// atomic), named after this process so that concurrent writers never share one.</summary>
    public static string TemporaryFor(string path) => path + ".tmp-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Writes <paramref name="content"/> to <paramref name="path"/> atomically.</summary>
    /// <param name="path">The destination.</param>
    /// <param name="content">The new content.</param>
    /// <param name="temporary">The temporary (default <see cref="TemporaryFor"/>); on the destination's file system.</param>
    /// <param name="beforeRename">Called with <paramref name="path"/> just before the rename (crash-test kill points).</param>
    /// <param name="afterRename">Called with <paramref name="path"/> just after it.</param>
    /// <exception cref="IOException">Writing or renaming failed.</exception>
    /// <exception cref="UnauthorizedAccessException">Writing is not permitted.</exception>
    public static void Write(string path, ReadOnlySpan<byte> content, string? temporary = null,
        Action<string>? beforeRename = null, Action<string>? afterRename = null)
    {
        temporary ??= TemporaryFor(path);
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
                stream.Write(content);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            throw;
        }
        Replace(temporary, path, beforeRename, afterRename);
    }

    /// <summary>Writes <paramref name="text"/> (UTF-8, no byte order mark) to <paramref name="path"/> atomically.</summary>
    public static void Write(string path, string text, string? temporary = null) =>
        Write(path, System.Text.Encoding.UTF8.GetBytes(text), temporary);

    /// <summary>Renames the complete <paramref name="temporary"/> over <paramref name="path"/>; on failure removes
    /// the temporary and throws.</summary>
    /// <exception cref="IOException">rename(2) failed (HResult is the errno).</exception>
    public static void Replace(string temporary, string path, Action<string>? beforeRename = null, Action<string>? afterRename = null)
    {
        beforeRename?.Invoke(path);
        try
        {
            FileRename.Rename(temporary, path);
        }
        catch (IOException)
        {
            TryDelete(temporary);
            throw;
        }
        afterRename?.Invoke(path);
    }

    /// <summary>Deletes <paramref name="path"/> if it can; a leftover temporary is harmless (its name is never
    /// taken for a destination) and is overwritten or pruned later.</summary>
    public static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }
}
