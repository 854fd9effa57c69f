using System.Runtime.InteropServices;

namespace Kiln.Jit.Cache;

/// <summary>
/// The few libc calls .NET does not expose with the semantics the cache needs: <c>rename(2)</c> (atomic replace, unlike
/// <c>File.Move</c> without overwrite, which links then unlinks), <c>flock(2)</c> on a descriptor of our own
/// (.NET's FileStream takes its own flock for FileShare, which would interfere), and <c>getpid</c>.
/// </summary>
internal static partial class Posix
{
    private const int ORdwr = 0x2;
    private const int OCreat = 0x40;
    private const int OCloexec = 0x80000;
    public const int LockSh = 1;
    public const int LockEx = 2;
    public const int LockNb = 4;
    public const int LockUn = 8;
    public const int EWouldBlock = 11;
    public const int EIntr = 4;

    /// <summary>Atomically renames <paramref name="from"/> to <paramref name="to"/>, replacing a file at <paramref name="to"/>.</summary>
    public static void Rename(string from, string to)
    {
        if (RenameNative(from, to) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"rename '{from}' -> '{to}' failed: {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
    }

    /// <summary>Renames unless the source vanished (someone else moved it first); returns whether it moved.</summary>
    public static bool TryRename(string from, string to) => RenameNative(from, to) == 0;

    public static int OpenLockFile(string path)
    {
        var fd = Open(path, ORdwr | OCreat | OCloexec, 0x1B6 /* 0666 */);
        if (fd < 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open lock file '{path}': {Marshal.GetPInvokeErrorMessage(errno)} (errno {errno})");
        }
        return fd;
    }

    /// <summary>Tries flock; returns 0 on success, else errno.</summary>
    public static int TryFlock(int fd, int operation)
    {
        while (true)
        {
            if (Flock(fd, operation) == 0)
                return 0;
            var errno = Marshal.GetLastPInvokeError();
            if (errno != EIntr)
                return errno;
        }
    }

    public static void CloseFd(int fd) => _ = Close(fd);

    /// <summary>Replaces the content of an open file (pwrite at 0, then truncate to the new length).</summary>
    public static unsafe void Overwrite(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
            _ = PWrite(fd, p, (nuint)bytes.Length, 0);
        _ = FTruncate(fd, bytes.Length);
    }

    /// <summary>Reads a whole small file through a descriptor of our own (no .NET share-lock attempt).</summary>
    public static unsafe string? ReadSmallFile(string path)
    {
        var fd = Open(path, 0 /* O_RDONLY */ | OCloexec, 0);
        if (fd < 0)
            return null;
        try
        {
            var buffer = new byte[4096];
            nint n;
            fixed (byte* p = buffer)
                n = PRead(fd, p, (nuint)buffer.Length, 0);
            return n <= 0 ? "" : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n);
        }
        finally
        {
            _ = Close(fd);
        }
    }

    public static int ProcessId => Environment.ProcessId;

    [LibraryImport("libc.so.6", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int RenameNative(string from, string to);

    [LibraryImport("libc.so.6", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc.so.6", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    [LibraryImport("libc.so.6", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int fd);

    [LibraryImport("libc.so.6", EntryPoint = "pwrite", SetLastError = true)]
    private static unsafe partial nint PWrite(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc.so.6", EntryPoint = "pread", SetLastError = true)]
    private static unsafe partial nint PRead(int fd, byte* buffer, nuint count, long offset);

    [LibraryImport("libc.so.6", EntryPoint = "ftruncate", SetLastError = true)]
    private static partial int FTruncate(int fd, long length);
}
