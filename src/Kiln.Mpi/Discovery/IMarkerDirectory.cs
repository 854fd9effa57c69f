namespace Kiln.Mpi.Discovery;

/// <summary>
/// The file-system effects of directory discovery, as a seam: tests simulate a network file system whose listings lag.
/// </summary>
internal interface IMarkerDirectory
{
    /// <summary>The directory's path, for messages.</summary>
    string Path { get; }

    /// <summary>Creates the empty-ish file <paramref name="name"/> (fails if the directory is missing or unwritable).</summary>
    void Create(string name, string content);

    /// <summary>Lists the file names that start with <paramref name="prefix"/>, from a freshly opened directory.</summary>
    IReadOnlyList<string> List(string prefix);

    /// <summary>Deletes <paramref name="name"/> if it exists.</summary>
    void Delete(string name);

    /// <summary>The directory's (device, inode) on this kernel, or <see langword="null"/> if unknown.</summary>
    (ulong Device, ulong Inode)? Identity();
}
