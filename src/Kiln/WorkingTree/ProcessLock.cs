using System.Text;
using Kiln.Paths;
using Kiln.Platform.Posix;

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
    public static ProcessLock? TryAcquire(string path)
    {
        var fd = Descriptor.OpenOrCreate(path, 0b110_100_100, out var openErrno);
        if (fd < 0)
            throw new IOException($"cannot open lock file {TreePath.Quote(path)}: {Errno.Message(openErrno)}", openErrno);
        var errno = Descriptor.Flock(fd, Libc.LOCK_EX | Libc.LOCK_NB);
        if (errno != 0)
        {
            Descriptor.Close(fd);
            if (errno == Errno.EWOULDBLOCK)
                return null;
            throw new IOException($"cannot lock {TreePath.Quote(path)}: {Errno.Message(errno)}", errno);
        }
        Descriptor.Overwrite(fd, Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"));
        return new ProcessLock(fd);
    }

    /// <summary>The pid written by the holder, or null when unreadable.</summary>
    public static int? ReadHolderPid(string path)
    {
        var text = Descriptor.ReadSmallFile(path, 32);
        if (string.IsNullOrEmpty(text))
            return null;
        return int.TryParse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    public void Dispose()
    {
        var fd = Interlocked.Exchange(ref _fd, -1);
        if (fd < 0)
            return;
        // Unlock explicitly before closing: a child forked by another thread holds a copy of the descriptor
        // until it execs (O_CLOEXEC acts only at exec), and that copy would keep the lock alive after close.
        _ = Descriptor.Flock(fd, Libc.LOCK_UN);
        Descriptor.Close(fd);
    }
}
