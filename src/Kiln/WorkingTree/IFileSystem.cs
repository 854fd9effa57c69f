using Kiln.Paths;

namespace Kiln.WorkingTree;

/// <summary>
/// Every file-system effect of the engine goes through this seam, so that the decision logic can run on an
/// in-memory file system with a logical clock in tests. Paths are absolute native paths.
/// </summary>
internal interface IFileSystem
{
    /// <summary>
    /// Whether paths name objects of the real file system: then the run-database is a real SQLite file in
    /// <c>.kiln/</c>; otherwise (an in-memory fake) it is held in memory for the run.
    /// </summary>
    bool IsReal { get; }

    /// <summary>The state of the object at <paramref name="path"/> without following a final symbolic link; <see cref="FileMemo.Missing"/> when nothing is there.</summary>
    /// <exception cref="IOException">The object exists but cannot be examined.</exception>
    FileMemo Lstat(string path);

    /// <summary>Creates a directory and its parents.</summary>
    void CreateDirectory(string path);

    /// <summary>Removes a file, symbolic link or directory tree; nothing when missing.</summary>
    void Delete(string path);

    /// <summary>Moves <paramref name="source"/> to <paramref name="destination"/> atomically (<c>rename(2)</c>: an existing non-directory destination is replaced).</summary>
    void Rename(string source, string destination);

    /// <summary>Creates a new empty file; fails if it exists.</summary>
    void CreateNewFile(string path);

    /// <summary>Whether two regular files have the same content.</summary>
    bool ContentEquals(string path, string otherPath);

    /// <summary>
    /// Opens a regular file for reading and closes it again: throws what opening throws (permission denied, as
    /// <see cref="UnauthorizedAccessException"/>). The default does nothing: fakes do not model permissions.
    /// </summary>
    void CheckReadable(string path)
    {
    }

    /// <summary>The names in a directory (not <c>.</c>, <c>..</c>), sorted ordinally.</summary>
    /// <exception cref="IOException">Not a directory, or it cannot be read (<see cref="DirectoryNotFoundException"/> when missing).</exception>
    IReadOnlyList<string> List(string path);

    /// <summary>Reads a whole file.</summary>
    byte[] ReadAllBytes(string path);

    /// <summary>Replaces a file's content (not atomically; for management files only).</summary>
    void WriteAllBytes(string path, byte[] content);

    /// <summary>Writes one byte to the probe file and returns its new mtime: the working-tree time.</summary>
    long TouchProbe(string path);

    /// <summary>
    /// Takes an exclusive lock on <paramref name="path"/> that the operating system releases when the process
    /// dies. Returns null when another process holds it.
    /// </summary>
    IDisposable? TryLock(string path);
}
