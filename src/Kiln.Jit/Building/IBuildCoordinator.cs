namespace Kiln.Jit.Building;

/// <summary>
/// Decides who builds a key that is missing from the cache and makes the others wait. The cache calls
/// <see cref="AcquireAsync"/> on a miss; while it holds the returned claim it looks the key up again (another process
/// may have published meanwhile), builds and publishes only if it is still missing, and then disposes the claim. The
/// published entry itself is what the waiters find when their turn comes: there is nothing else to report.
/// </summary>
/// <remarks>The default, <see cref="FileLockCoordinator"/>, is a per-key OS file lock for processes on one machine (or
/// a file system with working flock). The distributed JIT (<c>Kiln.Jit.Mpi</c>) agrees over MPI which rank builds
/// before any rank claims, and uses a file lock for the claim of the elected builder.</remarks>
public interface IBuildCoordinator
{
    /// <summary>Waits until the caller may look up and, if still missing, build the key.</summary>
    /// <param name="claim">What is to be built and how long to wait.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <returns>The right to build the key, held until disposed.</returns>
    /// <exception cref="JitLockTimeoutException">The wait exceeded <see cref="BuildClaim.Timeout"/>.</exception>
    ValueTask<IDisposable> AcquireAsync(BuildClaim claim, CancellationToken cancellationToken);
}

/// <summary>A request for the right to build.</summary>
/// <param name="CacheDirectory">The cache root.</param>
/// <param name="BaseKey">The base key B (64 hex digits) that names the lock.</param>
/// <param name="Signature">The caller's signature (for messages).</param>
/// <param name="Timeout">How long to wait for a live holder.</param>
public sealed record BuildClaim(string CacheDirectory, string BaseKey, string Signature, TimeSpan Timeout);
