namespace Kiln.Jit.Building;

/// <summary>
/// Decides who builds a key that is missing from the cache, makes the others wait, and brings the finished library to
/// them. The cache calls <see cref="AcquireAsync"/> on a miss; when the returned lease is held it looks the key up
/// again (another process may have published meanwhile) and builds only if it is still missing, then reports the
/// outcome with <see cref="IBuildLease.Complete"/> and disposes the lease.
/// </summary>
/// <remarks>The default, <see cref="FileLockCoordinator"/>, is a per-key OS file lock for processes on one machine (or
/// a file system with working flock). An MPI implementation can elect one builder per physical cache directory, hold
/// the other ranks in <see cref="AcquireAsync"/> until the builder's outcome arrives, write a received library into
/// the local cache, and broadcast failures so every rank raises the same error.</remarks>
public interface IBuildCoordinator
{
    /// <summary>Waits until the caller may look up and, if still missing, build the key.</summary>
    /// <param name="claim">What is to be built and how long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="JitLockTimeoutException">The wait exceeded <see cref="BuildClaim.Timeout"/>.</exception>
    ValueTask<IBuildLease> AcquireAsync(BuildClaim claim, CancellationToken cancellationToken);
}

/// <summary>The right to build one key, held until disposed.</summary>
public interface IBuildLease : IDisposable
{
    /// <summary>Reports what happened (published, found published by another, or failed); called before disposing.</summary>
    /// <param name="outcome">The outcome.</param>
    void Complete(BuildOutcome outcome);
}

/// <summary>A request for the right to build.</summary>
/// <param name="CacheDirectory">The cache root.</param>
/// <param name="BaseKey">The base key B (64 hex digits) that names the lock.</param>
/// <param name="Signature">The caller's signature (for messages).</param>
/// <param name="Timeout">How long to wait for a live holder.</param>
public sealed record BuildClaim(string CacheDirectory, string BaseKey, string Signature, TimeSpan Timeout);

/// <summary>What a build under a lease ended in.</summary>
/// <param name="Succeeded">True when a usable entry is published.</param>
/// <param name="Key">The entry's full key K, when published.</param>
/// <param name="LibraryPath">The published library, when published.</param>
/// <param name="Error">The failure, when not.</param>
public sealed record BuildOutcome(bool Succeeded, string? Key, string? LibraryPath, Exception? Error);
