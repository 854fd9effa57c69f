namespace Kiln.Mpi.Discovery;

/// <summary>The real directory: each listing opens the directory anew (<c>opendir</c>), never a cached enumeration.</summary>
internal sealed class MarkerDirectory(string path) : IMarkerDirectory
{
    public string Path { get; } = path;

    public void Create(string name, string content)
    {
        using var stream = new FileStream(System.IO.Path.Combine(Path, name), FileMode.CreateNew, FileAccess.Write, FileShare.Read);
        var bytes = System.Text.Encoding.UTF8.GetBytes(content);
        // No fsync: visibility to other clients needs only close (NFS close-to-open), and a crash loses nothing of value.
        stream.Write(bytes);
    }

    public IReadOnlyList<string> List(string prefix) =>
        [.. Directory.EnumerateFiles(Path, prefix + "*").Select(f => System.IO.Path.GetFileName(f))];

    public void Delete(string name) => File.Delete(System.IO.Path.Combine(Path, name));

    public (ulong Device, ulong Inode)? Identity() => Kiln.Platform.Posix.DirectoryIdentity.Of(Path);
}
