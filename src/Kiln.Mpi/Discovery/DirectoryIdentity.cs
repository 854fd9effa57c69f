using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Kiln.Mpi.Discovery;

/// <summary>
/// The (device, inode) of a directory via Linux <c>statx</c>, whose <c>struct statx</c> has one layout on every
/// architecture (<c>/usr/include/linux/stat.h</c>): <c>stx_ino</c> at byte 32, <c>stx_dev_major</c> at 136,
/// <c>stx_dev_minor</c> at 140. Equal identities on one kernel mean one physical directory (bind mounts included).
/// </summary>
internal static unsafe class DirectoryIdentity
{
    private const int AtFdCwd = -100;       // linux/fcntl.h
    private const uint StatxIno = 0x100;    // linux/stat.h STATX_INO
    private const int StatxBytes = 256;     // sizeof(struct statx)

    /// <summary>The identity, or <see langword="null"/> if it cannot be read (no statx, missing directory…).</summary>
    public static (ulong Device, ulong Inode)? Of(string path)
    {
        if (!OperatingSystem.IsLinux() || !NativeLibrary.TryGetExport(NativeLibrary.Load("libc.so.6"), "statx", out var address))
            return null;
        var statx = (delegate* unmanaged<int, byte*, int, uint, byte*, int>)address;
        var name = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        var buffer = stackalloc byte[StatxBytes];
        int result;
        fixed (byte* p = name)
            result = statx(AtFdCwd, p, 0, StatxIno, buffer);
        if (result != 0)
            return null;
        var span = new ReadOnlySpan<byte>(buffer, StatxBytes);
        var mask = BinaryPrimitives.ReadUInt32LittleEndian(span);
        if ((mask & StatxIno) == 0)
            return null;
        var inode = MemoryMarshal.Read<ulong>(span[32..]);
        var major = MemoryMarshal.Read<uint>(span[136..]);
        var minor = MemoryMarshal.Read<uint>(span[140..]);
        return (((ulong)major << 32) | minor, inode);
    }
}
