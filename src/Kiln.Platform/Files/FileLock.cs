using Kiln.Platform.Posix;

namespace Kiln.Platform.Files;

/// <summary>
/// An inter-process lock: <c>flock(2)</c> on a lock file of its own, whose content is the holder's owner record
/// (only read for messages: who holds it). The kernel releases the lock when the holder's last descriptor closes,
/// so a killed process (even by SIGKILL) never leaves a stale lock, and lock files are never deleted while in use
/// (deleting a flocked file lets two holders coexist). Raw descriptors, because .NET's <see cref="FileStream"/>
/// takes its own advisory locks for <see cref="FileShare"/>, which would make the owner record unreadable to a
/// contender.
/// </summary>
/// <remarks>The owner record formats are the callers': the engine's <c>.kiln/lock</c> holds <c>pid\n</c>, a JIT
/// build lock <c>key value</c> lines (host, pid, since-unix-ms, signature).</remarks>
internal sealed class FileLock : IDisposable
{
    /// <summary>rw-r--r--: the engine's working-tree lock.</summary>
    public const int OwnerWritable = 0b110_100_100;

    /// <summary>rw-rw-rw- less the umask: lock files of a cache shared by several users.</summary>
    public const int EveryoneWritable = 0b110_110_110;

    private int _fd;

    private FileLock(int fd) => _fd = fd;

    /// <summary>Opens (creating with <paramref name="permissions"/>) the lock file, not yet locked; null and the
    /// errno when it cannot be opened.</summary>
    public static FileLock? TryOpen(string path, int permissions, out int errno)
    {
        var fd = Descriptor.OpenOrCreate(path, permissions, out errno);
        return fd < 0 ? null : new FileLock(fd);
    }

    /// <summary>Opens (creating, <see cref="EveryoneWritable"/>) the lock file, not yet locked.</summary>
    /// <exception cref="IOException">It cannot be opened (HResult is the errno).</exception>
    public static FileLock Open(string path) =>
        TryOpen(path, EveryoneWritable, out var errno)
        ?? throw new IOException($"cannot open lock file '{path}': {Errno.Message(errno)} (errno {errno})", errno);

    /// <summary>Takes the lock exclusively without waiting; returns 0, or the errno (<see cref="Errno.EWOULDBLOCK"/>:
    /// another holder has it).</summary>
    public int TryLock() => Descriptor.Flock(Fd, Libc.LOCK_EX | Libc.LOCK_NB);

    /// <summary>Takes the lock exclusively, waiting for the holder; returns 0 or the errno.</summary>
    public int Lock() => Descriptor.Flock(Fd, Libc.LOCK_EX);

    /// <summary>Replaces the lock file's content with <paramref name="record"/> (UTF-8) through the held descriptor.</summary>
    public void WriteOwner(string record) => Descriptor.Overwrite(Fd, System.Text.Encoding.UTF8.GetBytes(record));

    /// <summary>The owner record in the lock file at <paramref name="path"/> ("" when empty), or null when unreadable.</summary>
    public static string? ReadOwner(string path, int maxBytes = 4096) => Descriptor.ReadSmallFile(path, maxBytes);

    private int Fd => _fd >= 0 ? _fd : throw new ObjectDisposedException(nameof(FileLock));

    /// <summary>Releases the lock and closes the file.</summary>
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
