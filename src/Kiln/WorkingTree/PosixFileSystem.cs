using System.Runtime.InteropServices;
using Kiln.Paths;

namespace Kiln.WorkingTree;

/// <summary>The real file system of a POSIX machine.</summary>
internal sealed class PosixFileSystem : IFileSystem
{
    private const uint TypeMask = 0xF000;
    private const uint RegularType = 0x8000;
    private const uint DirectoryType = 0x4000;
    private const uint LinkType = 0xA000;

    public static PosixFileSystem Instance { get; } = new();

    public bool IsReal => true;

    public FileMemo Lstat(string path)
    {
        var errno = Libc.Lstat(path, out var mode, out var uid, out var gid, out var size, out var mtimeNs);
        if (errno == Libc.ENOENT || errno == Libc.ENOTDIR)
            return FileMemo.Missing;
        if (errno != 0)
            throw new IOException($"{Marshal.GetPInvokeErrorMessage(errno)}: {TreePath.Quote(path)}");
        var kind = (mode & TypeMask) switch
        {
            RegularType => FileKind.RegularFile,
            DirectoryType => FileKind.Directory,
            LinkType => FileKind.SymbolicLink,
            _ => FileKind.Other,
        };
        string? target = null;
        if (kind == FileKind.SymbolicLink)
            target = new FileInfo(path).LinkTarget ?? "";
        return new FileMemo(kind, size, mtimeNs, mode & 0xFFF, uid, gid, target);
    }

    public void CreateDirectory(string path) => Directory.CreateDirectory(path);

    public void Delete(string path)
    {
        var memo = Lstat(path);
        switch (memo.Kind)
        {
            case FileKind.Missing:
                return;
            case FileKind.Directory:
                Directory.Delete(path, recursive: true);
                return;
            default:
                File.Delete(path);
                return;
        }
    }

    public void Rename(string source, string destination)
    {
        KillPoints.BeforeRename(destination);
        if (Libc.Rename(source, destination) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            // The errno as HResult, as .NET's own I/O errors carry it (WriteFailure chooses its advice by it).
            throw new IOException($"cannot rename {TreePath.Quote(source)} to {TreePath.Quote(destination)}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        KillPoints.AfterRename(destination);
    }

    public void CreateNewFile(string path)
    {
        using var _ = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
    }

    public bool ContentEquals(string path, string otherPath)
    {
        using var a = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        using var b = new FileStream(otherPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.SequentialScan);
        if (a.Length != b.Length)
            return false;
        var bufferA = new byte[65536];
        var bufferB = new byte[65536];
        while (true)
        {
            var n = a.ReadAtLeast(bufferA, bufferA.Length, throwOnEndOfStream: false);
            var m = b.ReadAtLeast(bufferB, bufferB.Length, throwOnEndOfStream: false);
            if (n != m || !bufferA.AsSpan(0, n).SequenceEqual(bufferB.AsSpan(0, m)))
                return false;
            if (n == 0)
                return true;
        }
    }

    public void CheckReadable(string path)
    {
        using var _ = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
    }

    public IReadOnlyList<string> List(string path) =>
        [.. Directory.EnumerateFileSystemEntries(path).Select(p => Path.GetFileName(p)).Order(StringComparer.Ordinal)];

    public byte[] ReadAllBytes(string path) => File.ReadAllBytes(path);

    public void WriteAllBytes(string path, byte[] content) => File.WriteAllBytes(path, content);

    public long TouchProbe(string path)
    {
        using (var stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete, 1))
        {
            stream.WriteByte((byte)'0');
        }
        return Lstat(path).MtimeNs;
    }

    public IDisposable? TryLock(string path) => ProcessLock.TryAcquire(path);
}
