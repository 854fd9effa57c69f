namespace Kiln.Platform.Posix;

/// <summary>
/// Raw file descriptors for lock files: .NET's <see cref="FileStream"/> takes its own <c>flock</c> for
/// <see cref="FileShare"/>, which would interfere with ours and make a holder's record unreadable to a contender.
/// </summary>
internal static class Descriptor
{
    /// <summary>Opens (creating with <paramref name="mode"/>) <paramref name="path"/> read-write, close-on-exec;
    /// returns the descriptor, or -1 and the errno.</summary>
    public static int OpenOrCreate(string path, int mode, out int errno)
    {
        var fd = Libc.Open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, mode);
        errno = fd < 0 ? Errno.Last : 0;
        return fd;
    }

    /// <summary>flock(2) with EINTR retried; returns 0 on success, else errno (EWOULDBLOCK: held, with LOCK_NB).</summary>
    public static int Flock(int fd, int operation)
    {
        while (true)
        {
            if (Libc.Flock(fd, operation) == 0)
                return 0;
            var errno = Errno.Last;
            if (errno != Errno.EINTR)
                return errno;
        }
    }

    /// <summary>Closes <paramref name="fd"/> (which releases its flock).</summary>
    public static void Close(int fd) => _ = Libc.Close(fd);

    /// <summary>Replaces the content of an open file (pwrite at 0, then truncate to the new length).</summary>
    public static unsafe void Overwrite(int fd, ReadOnlySpan<byte> bytes)
    {
        fixed (byte* p = bytes)
            _ = Libc.Pwrite(fd, p, bytes.Length, 0);
        _ = Libc.Ftruncate(fd, bytes.Length);
    }

    /// <summary>The first (up to) <paramref name="maxBytes"/> bytes of <paramref name="path"/> as UTF-8, read
    /// through a descriptor of our own; null when it cannot be opened.</summary>
    public static unsafe string? ReadSmallFile(string path, int maxBytes = 4096)
    {
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            return null;
        try
        {
            var buffer = new byte[maxBytes];
            nint n;
            fixed (byte* p = buffer)
                n = Libc.Pread(fd, p, buffer.Length, 0);
            return n <= 0 ? "" : System.Text.Encoding.UTF8.GetString(buffer, 0, (int)n);
        }
        finally
        {
            _ = Libc.Close(fd);
        }
    }
}
