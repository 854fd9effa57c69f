namespace Kiln.Jit.Cache;

/// <summary>
/// Every file-system effect of the JIT cache's logic goes through this seam (the engine's <c>IFileSystem</c> is the
/// model), so that look-up, claim decisions, failure recording, manifests, eviction and statistics run on an in-memory
/// file system in tests. The default is <see cref="SystemCacheFileSystem"/> over Kiln.Platform. Paths are absolute.
/// <para>Deliberately small: what the cache does and nothing more — stat, read, write (plain inside a private folder,
/// atomically for shared files), rename, publish a staged folder, delete, list, lock. Compiling and loading a library
/// stay on the real file system (the compiler and the dynamic loader read it themselves).</para>
/// </summary>
internal interface ICacheFileSystem
{
    /// <summary>The status of <paramref name="path"/>, following symbolic links; false when nothing is there (or it
    /// cannot be examined, as <see cref="File.Exists"/> treats it).</summary>
    bool TryStat(string path, out CacheFileStatus status);

    /// <summary>True when a file (anything but a directory) is at <paramref name="path"/>.</summary>
    bool FileExists(string path) => TryStat(path, out var status) && !status.IsDirectory;

    /// <summary>True when a directory is at <paramref name="path"/>.</summary>
    bool DirectoryExists(string path) => TryStat(path, out var status) && status.IsDirectory;

    /// <summary>Reads a whole UTF-8 file.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    /// <exception cref="DirectoryNotFoundException">A parent directory is missing.</exception>
    string ReadAllText(string path);

    /// <summary>Reads a whole file.</summary>
    byte[] ReadAllBytes(string path);

    /// <summary>Opens a file for reading; other processes may replace or delete it meanwhile.</summary>
    Stream OpenRead(string path);

    /// <summary>Creates or truncates a file for writing (inside a private folder only: not atomic).</summary>
    Stream Create(string path);

    /// <summary>Creates or replaces a file with <paramref name="text"/> (UTF-8; inside a private folder only: not atomic).</summary>
    void WriteAllText(string path, string text);

    /// <summary>Creates a new empty file.</summary>
    /// <exception cref="IOException">It exists already, or cannot be created.</exception>
    void CreateNew(string path);

    /// <summary>Replaces <paramref name="path"/> with <paramref name="text"/> by writing <paramref name="temporary"/> and
    /// renaming it over the destination; on failure the temporary is removed.</summary>
    void WriteAtomically(string path, string text, string temporary);

    /// <summary><c>rename(2)</c>: replaces a file or an empty directory at the destination; returns errno, 0 on success.</summary>
    int TryRename(string from, string to);

    /// <summary>Renames, throwing on failure.</summary>
    /// <exception cref="IOException">rename(2) failed (HResult is the errno).</exception>
    void Rename(string from, string to)
    {
        var errno = TryRename(from, to);
        if (errno != 0)
            throw new IOException($"rename '{from}' -> '{to}' failed: {System.Runtime.InteropServices.Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})", errno);
    }

    /// <summary>Publishes a completely written folder at <paramref name="destination"/>, an older one there moved
    /// into <paramref name="asideDirectory"/> and deleted; false (and the staged folder removed) when another process
    /// published first.</summary>
    bool PublishFolder(string staging, string destination, string asideDirectory);

    /// <summary>Creates a directory and its parents.</summary>
    void CreateDirectory(string path);

    /// <summary>Deletes a file; nothing when it is missing.</summary>
    void DeleteFile(string path);

    /// <summary>Deletes a folder and all in it, if it can (best effort: a leftover is pruned later).</summary>
    void DeleteTree(string path);

    /// <summary>The full paths of the entries of a directory, sorted ordinally; empty when it is missing.</summary>
    IReadOnlyList<string> List(string directory);

    /// <summary>Sets a file's modification time (the approximate LRU mark of a manifest).</summary>
    void SetLastWriteTime(string path, DateTimeOffset time);

    /// <summary>Copies a file.</summary>
    void CopyFile(string from, string to, bool overwrite);

    /// <summary>Makes a file executable by everyone (rwxr-xr-x).</summary>
    void MakeExecutable(string path);

    /// <summary>Opens (creating) the lock file at <paramref name="path"/>, not yet locked.</summary>
    /// <exception cref="IOException">It cannot be opened.</exception>
    ICacheLock OpenLock(string path);

    /// <summary>The owner record written into the lock file at <paramref name="path"/> ("" when empty), or null when
    /// it cannot be read.</summary>
    string? ReadLockOwner(string path);
}
