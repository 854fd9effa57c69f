using System.Runtime.InteropServices;

namespace Kiln.Platform.Posix;

/// <summary>
/// The fields of a <c>struct stat</c> that Kiln reads, decoded in one place (one offset table for the two ABIs).
/// </summary>
/// <remarks>
/// glibc layouts: x86_64 — dev u64 at 0, ino u64 at 8, mode u32 at 24, uid u32 at 28, gid u32 at 32, size i64 at
/// 48, mtime s/ns at 88/96, ctime s/ns at 104/112, 144 bytes in all; aarch64 (generic) — dev at 0, ino at 8, mode
/// u32 at 16, uid u32 at 24, gid u32 at 28, size i64 at 48, mtime s/ns at 88/96, ctime s/ns at 104/112, 128 bytes.
/// </remarks>
/// <param name="Device">st_dev.</param>
/// <param name="Inode">st_ino.</param>
/// <param name="Mode">st_mode: file type and permission bits.</param>
/// <param name="Uid">st_uid.</param>
/// <param name="Gid">st_gid.</param>
/// <param name="Size">st_size in bytes.</param>
/// <param name="ModifiedNanoseconds">st_mtim in nanoseconds since the Unix epoch.</param>
/// <param name="ChangedNanoseconds">st_ctim in nanoseconds since the Unix epoch.</param>
internal readonly record struct FileStatus(
    ulong Device, ulong Inode, uint Mode, uint Uid, uint Gid, long Size, long ModifiedNanoseconds, long ChangedNanoseconds)
{
    private const int BufferBytes = 256; // more than either layout

    public const uint TypeMask = 0xF000;
    public const uint RegularType = 0x8000;
    public const uint DirectoryType = 0x4000;
    public const uint LinkType = 0xA000;

    /// <summary><c>lstat</c> of <paramref name="path"/> (a symbolic link itself); returns errno, 0 on success.</summary>
    public static unsafe int TryLstat(string path, out FileStatus status)
    {
        var buffer = stackalloc byte[BufferBytes];
        if (Libc.Lstat(path, buffer) != 0)
        {
            status = default;
            return Errno.Last;
        }
        status = Decode(buffer);
        return 0;
    }

    /// <summary><c>stat</c> of <paramref name="path"/> (a symbolic link followed); returns errno, 0 on success.</summary>
    public static unsafe int TryStat(string path, out FileStatus status)
    {
        var buffer = stackalloc byte[BufferBytes];
        if (Libc.Stat(path, buffer) != 0)
        {
            status = default;
            return Errno.Last;
        }
        status = Decode(buffer);
        return 0;
    }

    private static unsafe FileStatus Decode(byte* buffer)
    {
        var (mode, uid, gid) = RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => (*(uint*)(buffer + 24), *(uint*)(buffer + 28), *(uint*)(buffer + 32)),
            Architecture.Arm64 => (*(uint*)(buffer + 16), *(uint*)(buffer + 24), *(uint*)(buffer + 28)),
            _ => throw new PlatformNotSupportedException(
                $"Kiln reads 'struct stat' only on x64 and arm64 Linux, not on {RuntimeInformation.ProcessArchitecture}"),
        };
        return new FileStatus(
            Device: *(ulong*)buffer,
            Inode: *(ulong*)(buffer + 8),
            Mode: mode,
            Uid: uid,
            Gid: gid,
            Size: *(long*)(buffer + 48),
            ModifiedNanoseconds: Nanoseconds(buffer, 88),
            ChangedNanoseconds: Nanoseconds(buffer, 104));
    }

    private static unsafe long Nanoseconds(byte* buffer, int offset) =>
        (*(long*)(buffer + offset) * 1_000_000_000L) + *(long*)(buffer + offset + 8);
}
