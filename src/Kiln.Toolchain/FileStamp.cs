using System.Globalization;
using Kiln.Platform.Posix;

namespace Kiln.Toolchain;

/// <summary>
/// What a <c>stat</c> of a file says about its identity without reading it: device, inode, size and modification
/// time in nanoseconds. Used to decide that a cached compiler probe still describes the compiler on disk: a
/// reinstalled or upgraded compiler changes at least one of these.
/// </summary>
/// <param name="Path">The file's absolute path.</param>
/// <param name="Device">Device number (0 where the platform does not tell).</param>
/// <param name="Inode">Inode number (0 where the platform does not tell).</param>
/// <param name="Size">Size in bytes.</param>
/// <param name="ModifiedNanoseconds">Modification time, nanoseconds since the Unix epoch.</param>
public sealed record FileStamp(string Path, ulong Device, ulong Inode, long Size, long ModifiedNanoseconds)
{
    /// <summary>Inode change time (ctime), nanoseconds since the Unix epoch; 0 where the platform does not tell. Every
    /// write, truncation, rename or permission change sets it, and no ordinary call can set it back.</summary>
    public long ChangedNanoseconds { get; init; }

    /// <summary>Stats <paramref name="path"/>.</summary>
    /// <param name="path">An existing file.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    public static FileStamp Of(string path)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
            throw new FileNotFoundException($"cannot stat '{path}': no such file", path);
        var mtimeNs = (info.LastWriteTimeUtc - DateTime.UnixEpoch).Ticks * 100;
        ulong dev = 0, ino = 0;
        long ctimeNs = 0;
        if (OperatingSystem.IsLinux() && FileStatus.TryStat(path, out var status) == 0)
        {
            dev = status.Device;
            ino = status.Inode;
            ctimeNs = status.ChangedNanoseconds;
        }
        return new FileStamp(info.FullName, dev, ino, info.Length, mtimeNs) { ChangedNanoseconds = ctimeNs };
    }

    /// <summary>One line: <c>path|dev|ino|size|mtime-ns</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Path}|{Device}|{Inode}|{Size}|{ModifiedNanoseconds}");
}
