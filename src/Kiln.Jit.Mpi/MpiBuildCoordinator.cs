using Kiln.Jit.Building;

namespace Kiln.Jit.Mpi;

/// <summary>
/// The <see cref="IBuildCoordinator"/> of the <see cref="JitCompiler"/> inside a <see cref="DistributedJit"/>. A cache
/// miss must not start a build on its own: whether, where and by whom a key is built is agreed by all ranks first. So
/// during <see cref="DistributedJit"/>'s local look-up the coordinator stops the compiler at the miss (and reports the
/// claim), and only the rank that <see cref="Kiln.Mpi.Coordination.DistributedBuild"/> elects builds, under a per-key
/// file lock (<see cref="FileLockCoordinator"/>) that also keeps processes outside the job from building the same key
/// into the same directory at the same time.
/// </summary>
/// <remarks>Used alone (outside <see cref="DistributedJit"/>) it behaves like <see cref="FileLockCoordinator"/>.</remarks>
public sealed class MpiBuildCoordinator : IBuildCoordinator
{
    private static readonly AsyncLocal<bool> Probing = new();
    private readonly FileLockCoordinator _locks;

    /// <summary>Creates the coordinator.</summary>
    /// <param name="timeProvider">Clock for the file lock's timeout (default: system).</param>
    public MpiBuildCoordinator(TimeProvider? timeProvider = null) => _locks = new FileLockCoordinator(timeProvider);

    /// <inheritdoc />
    public ValueTask<IBuildLease> AcquireAsync(BuildClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        if (Probing.Value)
            throw new MissDetectedException(claim);
        return _locks.AcquireAsync(claim, cancellationToken);
    }

    /// <summary>Runs <paramref name="lookup"/> with misses stopped at the coordinator: returns the library on a hit,
    /// null on a miss (with the claim the compiler made).</summary>
    internal static JitLibrary? Probe(Func<JitLibrary> lookup, out BuildClaim? claim)
    {
        var previous = Probing.Value;
        Probing.Value = true;
        try
        {
            claim = null;
            return lookup();
        }
        catch (MissDetectedException miss)
        {
            claim = miss.Claim;
            return null;
        }
        finally
        {
            Probing.Value = previous;
        }
    }

    /// <summary>Thrown by <see cref="AcquireAsync"/> during a probe; never leaves <see cref="Probe"/>.</summary>
#pragma warning disable CA1032, CA1064 // private control-flow signal
    private sealed class MissDetectedException(BuildClaim claim) : Exception("JIT cache miss (probe)")
#pragma warning restore CA1032, CA1064
    {
        public BuildClaim Claim { get; } = claim;
    }
}
