using System.Runtime.InteropServices;

namespace Kiln.Platform.Posix;

/// <summary>The errno values Kiln tells apart (Linux, asm-generic/errno*.h) and their texts.</summary>
internal static class Errno
{
    public const int EINTR = 4;
    public const int ENOENT = 2;
    public const int EWOULDBLOCK = 11;
    public const int ENOTDIR = 20;
    public const int ENOSPC = 28;
    public const int EDQUOT = 122;

    /// <summary>The errno of the last libc call made through <see cref="Libc"/> on this thread.</summary>
    public static int Last => Marshal.GetLastPInvokeError();

    /// <summary>strerror of <paramref name="errno"/>.</summary>
    public static string Message(int errno) => Marshal.GetPInvokeErrorMessage(errno);
}
