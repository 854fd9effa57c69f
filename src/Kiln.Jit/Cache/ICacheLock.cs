namespace Kiln.Jit.Cache;

/// <summary>An inter-process lock of the cache (<c>flock(2)</c> on the real file system): released on dispose and,
/// by the kernel, when the holder dies.</summary>
internal interface ICacheLock : IDisposable
{
    /// <summary>Takes the lock without waiting; 0, or the errno (<c>EWOULDBLOCK</c>: another holder has it).</summary>
    int TryLock();

    /// <summary>Takes the lock, waiting for the holder; 0 or the errno.</summary>
    int Lock();

    /// <summary>Replaces the lock file's content with the holder's owner record (only read for messages).</summary>
    void WriteOwner(string record);
}
