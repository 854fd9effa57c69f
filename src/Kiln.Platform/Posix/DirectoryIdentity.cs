using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Kiln.Platform.Posix;

/// <summary>
/// The (device, inode) of a directory via Linux <c>statx</c>, whose <c>struct statx</c> has one layout on every
/// architecture (<c>/usr/include/linux/stat.h</c>): <c>stx_mask</c> at byte 0, <c>stx_ino</c> at byte 32,
/// <c>stx_dev_major</c> at 136, <c>stx_dev_minor</c> at 140. Equal identities on one kernel mean one physical
/// directory (bind mounts included).
/// </summary>
internal static unsafe class DirectoryIdentity
{
    private const int StatxBytes = 256; // sizeof(struct statx)

    /// <summary>The identity, or <see langword="null"/> if it cannot be read (no statx, missing directory…).</summary>
    public static (ulong Device, ulong Inode)? Of(string path)
    {
        if (!OperatingSystem.IsLinux())
            return null;
        var buffer = stackalloc byte[StatxBytes];
        try
        {
            if (Libc.Statx(Libc.AT_FDCWD, path, 0, Libc.STATX_INO, buffer) != 0)
                return null;
        }
        catch (EntryPointNotFoundException)
        {
            return null; // glibc before 2.28
        }
        var span = new ReadOnlySpan<byte>(buffer, StatxBytes);
        if ((BinaryPrimitives.ReadUInt32LittleEndian(span) & Libc.STATX_INO) == 0)
            return null;
        var inode = MemoryMarshal.Read<ulong>(span[32..]);
        var major = MemoryMarshal.Read<uint>(span[136..]);
        var minor = MemoryMarshal.Read<uint>(span[140..]);
        return (((ulong)major << 32) | minor, inode);
    }
}
