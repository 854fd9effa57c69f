using Kiln.Paths;
using Kiln.Platform.Files;
using Kiln.Platform.Posix;

namespace Kiln.WorkingTree;

/// <summary>The real file system of a POSIX machine.</summary>
internal sealed class PosixFileSystem : IFileSystem
{
    public static PosixFileSystem Instance { get; } = new();

    public bool IsReal => true;

    public FileMemo Lstat(string path)
    {
        var errno = PathState.TryLstat(path, out var state);
        if (errno != 0)
            throw new IOException($"{Errno.Message(errno)}: {TreePath.Quote(path)}");
        return FileMemo.Of(state);
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
        var errno = FileRename.TryRename(source, destination);
        if (errno != 0)
        {
            // The errno as HResult, as .NET's own I/O errors carry it (WriteFailure chooses its advice by it).
            throw new IOException($"cannot rename {TreePath.Quote(source)} to {TreePath.Quote(destination)}: {Errno.Message(errno)}", errno);
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
