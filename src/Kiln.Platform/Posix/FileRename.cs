namespace Kiln.Platform.Posix;

/// <summary>
/// <c>rename(2)</c>: the one atomic replace of a file or an (empty or absent) directory. Not <c>File.Move</c>:
/// without overwrite .NET links then unlinks, and with overwrite it may fall back to copy and delete across file
/// systems; neither is the single atomic step readers of a cache or a working tree rely on.
/// </summary>
internal static class FileRename
{
    /// <summary>Renames; returns errno, 0 on success.</summary>
    public static int TryRename(string from, string to) => Libc.Rename(from, to) == 0 ? 0 : Errno.Last;

    /// <summary>Renames <paramref name="from"/> over <paramref name="to"/>.</summary>
    /// <exception cref="IOException">rename(2) failed (HResult is the errno).</exception>
    public static void Rename(string from, string to)
    {
        var errno = TryRename(from, to);
        if (errno != 0)
            throw new IOException($"rename '{from}' -> '{to}' failed: {Errno.Message(errno)} (errno {errno})", errno);
    }
}
