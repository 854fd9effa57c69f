using Kiln.Platform.Files;
using Kiln.Platform.Posix;

namespace Kiln.Jit.Cache;

/// <summary>
/// The cache's file system: the real one, through Kiln.Platform (<see cref="FileStatus"/> for stat,
/// <see cref="AtomicFile"/>, <see cref="FileRename"/>, <see cref="StagedFolder"/>, <see cref="FileLock"/>) and .NET's
/// file API for plain reads and writes. Stateless; one instance serves every cache.
/// </summary>
internal sealed class SystemCacheFileSystem : ICacheFileSystem
{
    public static readonly SystemCacheFileSystem Instance = new();

    private SystemCacheFileSystem()
    {
    }

    public bool TryStat(string path, out CacheFileStatus status)
    {
        // One stat(2) into a stack buffer: no allocation on the hit path (this replaces File.Exists + FileInfo + stat).
        if (FileStatus.TryStat(path, out var s) != 0)
        {
            status = default;
            return false;
        }
        status = new CacheFileStatus((s.Mode & FileStatus.TypeMask) == FileStatus.DirectoryType, s.Device, s.Inode, s.Size,
            s.ModifiedNanoseconds / 100 * 100, s.ChangedNanoseconds);
        return true;
    }

    public string ReadAllText(string path) => File.ReadAllText(path);

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);

    // Buffer size 1: the hashing caller reads in 64 KiB blocks itself; FileShare lets publishers replace the file.
    public Stream OpenRead(string path) =>
        new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);

    public Stream Create(string path) => File.Create(path);

    public void WriteAllText(string path, string text) => File.WriteAllText(path, text);

    public void CreateNew(string path)
    {
        using (new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1))
        {
        }
    }

    public void WriteAtomically(string path, string text, string temporary) => AtomicFile.Write(path, text, temporary);

    public int TryRename(string from, string to) => FileRename.TryRename(from, to);

    public void Rename(string from, string to) => FileRename.Rename(from, to);

    public bool PublishFolder(string staging, string destination, string asideDirectory) => StagedFolder.Publish(staging, destination, asideDirectory);

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public void DeleteFile(string path) => File.Delete(path);

    public void DeleteTree(string path) => StagedFolder.TryDeleteTree(path);

    public IReadOnlyList<string> List(string directory)
    {
        if (!Directory.Exists(directory))
            return [];
        var entries = Directory.GetFileSystemEntries(directory);
        Array.Sort(entries, StringComparer.Ordinal);
        return entries;
    }

    public void SetLastWriteTime(string path, DateTimeOffset time) => File.SetLastWriteTimeUtc(path, time.UtcDateTime);

    public void CopyFile(string from, string to, bool overwrite) => File.Copy(from, to, overwrite);

    public void MakeExecutable(string path)
    {
        if (!OperatingSystem.IsWindows())
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
    }

    public ICacheLock OpenLock(string path) => new HeldLock(FileLock.Open(path));

    public string? ReadLockOwner(string path) => FileLock.ReadOwner(path);

    private sealed class HeldLock(FileLock fileLock) : ICacheLock
    {
        public int TryLock() => fileLock.TryLock();

        int ICacheLock.Lock() => fileLock.Lock();

        public void WriteOwner(string record) => fileLock.WriteOwner(record);

        public void Dispose() => fileLock.Dispose();
    }
}
