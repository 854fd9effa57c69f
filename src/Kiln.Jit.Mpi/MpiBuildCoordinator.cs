using Kiln.Jit.Building;

namespace Kiln.Jit.Mpi;

/// <summary>
/// The <see cref="IBuildCoordinator"/> of the <see cref="JitCompiler"/> inside a <see cref="DistributedJit"/>. A cache
/// miss never starts a build on its own there: <see cref="DistributedJit"/> looks up without claiming, all ranks agree
/// whether, where and by whom a key is built (<see cref="Kiln.Mpi.Coordination.DistributedBuild"/>), and only the
/// elected rank claims the key here — a per-key file lock (<see cref="FileLockCoordinator"/>) that also keeps processes
/// outside the job from building the same key into the same directory at the same time.
/// </summary>
/// <remarks>Used alone (outside <see cref="DistributedJit"/>) it behaves like <see cref="FileLockCoordinator"/>.</remarks>
public sealed class MpiBuildCoordinator : IBuildCoordinator
{
    private readonly FileLockCoordinator _locks;

    /// <summary>Creates the coordinator.</summary>
    /// <param name="timeProvider">Clock for the file lock's timeout (default: system).</param>
    public MpiBuildCoordinator(TimeProvider? timeProvider = null) => _locks = new FileLockCoordinator(timeProvider);

    /// <inheritdoc />
    public ValueTask<IDisposable> AcquireAsync(BuildClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        return _locks.AcquireAsync(claim, cancellationToken);
    }
}
