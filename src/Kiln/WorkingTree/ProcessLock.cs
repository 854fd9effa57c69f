using System.Runtime.InteropServices;
using System.Text;
using Kiln.Paths;

namespace Kiln.WorkingTree;

/// <summary>
/// An exclusive inter-process lock: <c>flock(LOCK_EX)</c> on a lock file whose content is the holder's pid.
/// The kernel releases it when the holder's last descriptor closes, so a killed process (even by SIGKILL)
/// never leaves a stale lock. Raw descriptors are used because .NET's <c>FileStream</c> takes its own
/// advisory locks, which would make the holder's pid unreadable to a contender.
/// </summary>
internal sealed class ProcessLock : IDisposable
{
    private int _fd;

    private ProcessLock(int fd) => _fd = fd;

    /// <summary>Takes the lock, or returns null when another process holds it.</summary>
    /// <exception cref="IOException">The lock file cannot be opened.</exception>
    public static unsafe ProcessLock? TryAcquire(string path)
    {
        var fd = Libc.Open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0b110_100_100);
        if (fd < 0)
        {
            var openErrno = Marshal.GetLastPInvokeError();
            throw new IOException($"cannot open lock file {TreePath.Quote(path)}: {Marshal.GetPInvokeErrorMessage(openErrno)}", openErrno);
        }
        if (Libc.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB) != 0)
        {
            var errno = Marshal.GetLastPInvokeError();
            Libc.Close(fd);
            if (errno == Libc.EWOULDBLOCK)
                return null;
            throw new IOException($"cannot lock {TreePath.Quote(path)}: {Marshal.GetPInvokeErrorMessage(errno)}", errno);
        }
        var pid = Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n");
        Libc.Ftruncate(fd, 0);
        fixed (byte* p = pid)
            Libc.Pwrite(fd, p, pid.Length, 0);
        return new ProcessLock(fd);
    }

    /// <summary>The pid written by the holder, or null when unreadable.</summary>
    public static unsafe int? ReadHolderPid(string path)
    {
        var fd = Libc.Open(path, Libc.O_RDONLY | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            return null;
        try
        {
            var buffer = stackalloc byte[32];
            var n = (int)Libc.Pread(fd, buffer, 32, 0);
            if (n <= 0)
                return null;
            var text = Encoding.ASCII.GetString(buffer, n).Trim();
            return int.TryParse(text, System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        finally
        {
            Libc.Close(fd);
        }
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0)
            return;
        // Unlock explicitly before closing: a child forked by another thread holds a copy of the descriptor
        // until it execs (O_CLOEXEC acts only at exec), and that copy would keep the lock alive after close.
        Libc.Flock(fd, Libc.LOCK_UN);
        Libc.Close(fd);
    }
}
