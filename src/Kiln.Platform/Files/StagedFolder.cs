using Kiln.Platform.Posix;

namespace Kiln.Platform.Files;

/// <summary>
/// Publishes a folder that was written completely under a staging name: an older folder at the destination is
/// renamed aside and deleted, then the staged folder is renamed into place (<c>rename(2)</c> of a directory is
/// atomic, but cannot replace a non-empty one). A reader sees the old folder, no folder, or the new one — never a
/// part of one.
/// </summary>
internal static class StagedFolder
{
    /// <summary>Moves <paramref name="staging"/> to <paramref name="destination"/>, replacing an older folder there
    /// (moved into <paramref name="asideDirectory"/> first); returns whether it was published. When another
    /// process published first (the rename fails), the staged folder is removed.</summary>
    public static bool Publish(string staging, string destination, string asideDirectory)
    {
        if (Directory.Exists(destination))
        {
            var aside = Path.Combine(asideDirectory, Path.GetFileName(destination) + "." + Guid.NewGuid().ToString("N")[..8]);
            if (FileRename.TryRename(destination, aside) == 0)
                TryDeleteTree(aside);
        }
        if (FileRename.TryRename(staging, destination) == 0)
            return true;
        TryDeleteTree(staging);
        return false;
    }

    /// <summary>Deletes the folder <paramref name="path"/> and all in it, if it can (a warning on the trace
    /// otherwise: a leftover staging folder is harmless and pruned later).</summary>
    public static void TryDeleteTree(string path)
    {
        try
        {
            if (Directory.Exists(path))
                Directory.Delete(path, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            System.Diagnostics.Trace.TraceWarning($"Kiln: could not remove '{path}': {e.Message}");
        }
    }
}
