using Kiln.Paths;
using Kiln.Platform.Files;
using Kiln.Platform.Posix;

namespace Kiln.WorkingTree;

/// <summary>
/// The working tree's exclusive inter-process lock (<c>.kiln/lock</c>): a platform <see cref="FileLock"/> whose
/// owner record is the holder's pid and a newline. The kernel releases it when the holder's last descriptor
/// closes, so a killed process (even by SIGKILL) never leaves a stale lock.
/// </summary>
internal sealed class ProcessLock : IDisposable
{
    private readonly FileLock _lock;

    private ProcessLock(FileLock fileLock) => _lock = fileLock;

    /// <summary>Takes the lock, or returns null when another process holds it.</summary>
    /// <exception cref="IOException">The lock file cannot be opened.</exception>
    public static ProcessLock? TryAcquire(string path)
    {
        var fileLock = FileLock.TryOpen(path, FileLock.OwnerWritable, out var openErrno)
            ?? throw new IOException($"cannot open lock file {TreePath.Quote(path)}: {Errno.Message(openErrno)}", openErrno);
        var errno = fileLock.TryLock();
        if (errno != 0)
        {
            fileLock.Dispose();
            if (errno == Errno.EWOULDBLOCK)
                return null;
            throw new IOException($"cannot lock {TreePath.Quote(path)}: {Errno.Message(errno)}", errno);
        }
        fileLock.WriteOwner($"{Environment.ProcessId}\n");
        return new ProcessLock(fileLock);
    }

    /// <summary>The pid written by the holder, or null when unreadable.</summary>
    public static int? ReadHolderPid(string path)
    {
        var text = FileLock.ReadOwner(path, 32);
        if (string.IsNullOrEmpty(text))
            return null;
        return int.TryParse(text.Trim(), System.Globalization.CultureInfo.InvariantCulture, out var pid) ? pid : null;
    }

    public void Dispose() => _lock.Dispose();
}
