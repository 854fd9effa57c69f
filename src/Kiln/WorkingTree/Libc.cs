using System.Runtime.InteropServices;

namespace Kiln.WorkingTree;

/// <summary>
/// The few libc calls .NET does not expose with the precision the engine needs: <c>lstat</c> with
/// nanosecond mtime, owner and group; <c>rename</c> with its exact atomic semantics; <c>flock</c>.
/// </summary>
/// <remarks>
/// <c>struct stat</c> layouts (glibc): x86_64 — mode u32 at 24, uid u32 at 28, gid u32 at 32, size i64 at 48,
/// mtime s/ns at 88/96, 144 bytes in all; aarch64 (generic) — mode u32 at 16, uid u32 at 24, gid u32 at 28,
/// size i64 at 48, mtime s/ns at 88/96, 128 bytes. glibc 2.33+ exports <c>lstat</c> itself.
/// </remarks>
internal static partial class Libc
{
    public const int ENOENT = 2;
    public const int ENOTDIR = 20;
    public const int EWOULDBLOCK = 11;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int LOCK_UN = 8;

    [LibraryImport("libc", EntryPoint = "lstat", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static unsafe partial int LstatRaw(string path, byte* buffer);

    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Rename(string oldPath, string newPath);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    public static partial int Kill(int pid, int signal);

    public const int SIGKILL = 9;

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    public static partial int Flock(int fd, int operation);

    public const int O_RDONLY = 0;
    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_CLOEXEC = 0x80000;

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Open(string path, int flags, int mode);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    public static partial int Close(int fd);

    [LibraryImport("libc", EntryPoint = "ftruncate", SetLastError = true)]
    public static partial int Ftruncate(int fd, long length);

    [LibraryImport("libc", EntryPoint = "pwrite", SetLastError = true)]
    public static unsafe partial nint Pwrite(int fd, byte* buffer, nint count, long offset);

    [LibraryImport("libc", EntryPoint = "pread", SetLastError = true)]
    public static unsafe partial nint Pread(int fd, byte* buffer, nint count, long offset);

    /// <summary>Raw fields of <c>lstat</c>; returns errno (0 on success).</summary>
    public static unsafe int Lstat(string path, out uint mode, out uint uid, out uint gid, out long size, out long mtimeNs)
    {
        byte* buffer = stackalloc byte[256];
        if (LstatRaw(path, buffer) != 0)
        {
            mode = uid = gid = 0;
            size = mtimeNs = 0;
            return Marshal.GetLastPInvokeError();
        }
        if (RuntimeInformation.ProcessArchitecture == Architecture.X64)
        {
            mode = *(uint*)(buffer + 24);
            uid = *(uint*)(buffer + 28);
            gid = *(uint*)(buffer + 32);
        }
        else if (RuntimeInformation.ProcessArchitecture == Architecture.Arm64)
        {
            mode = *(uint*)(buffer + 16);
            uid = *(uint*)(buffer + 24);
            gid = *(uint*)(buffer + 28);
        }
        else
        {
            throw new PlatformNotSupportedException($"Kiln reads 'struct stat' only on x64 and arm64 Linux, not on {RuntimeInformation.ProcessArchitecture}");
        }
        size = *(long*)(buffer + 48);
        mtimeNs = (*(long*)(buffer + 88) * 1_000_000_000L) + *(long*)(buffer + 96);
        return 0;
    }
}
