using Kiln.Mpi.Coordination;
using Kiln.Mpi.Discovery;

namespace Kiln.Jit.Mpi;

/// <summary>Settings of a <see cref="DistributedJit"/>.</summary>
public sealed class DistributedJitOptions
{
    /// <summary>Who builds a missing library (default <see cref="BuildMode.Auto"/>: <see cref="BuildMode.Node"/> when all
    /// ranks share one physical directory, else <see cref="BuildMode.Root"/>).</summary>
    public BuildMode Mode { get; init; } = BuildMode.Auto;

    /// <summary>Bound for every wait of a call, including the wait for another rank's compile; null means the request's
    /// <see cref="JitRequest.LockTimeout"/>. It must exceed (1 + <see cref="InterruptedCompileRetries"/>) × the longest
    /// compile plus the arrival skew between ranks. A builder rank that dies does not need it: the launchers of Open MPI and
    /// MPICH end the job when a rank dies.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// True (default): every rank makes the same <see cref="DistributedJit.Jit"/> calls in the same order (jit calls are
    /// collective, as in dijitso and PyOP2), so a request this instance already answered is answered again from memory
    /// on every rank without any collective. False: every call takes part in the agreement (two reductions on a hit),
    /// which tolerates ranks whose earlier calls differed — but then every call must still be made by every rank.
    /// </summary>
    public bool CallsAreCollective { get; init; } = true;

    /// <summary>
    /// Check on every call (not answered from memory) that the ranks agree, failing with one
    /// <see cref="JitRequestException"/> on every rank otherwise (default false). Two checks: (1) all ranks asked for the
    /// same signature, build options and symbol scope — two reductions of a 64-bit hash (PyOP2's spmd_strict); (2) the
    /// ranks that will generate the code for this call (node mode: the leader of each directory that misses; process
    /// mode: each rank that misses; root mode: rank 0 alone) generated the same code — header, source and dependencies,
    /// compared by a 64-bit SHA-256 prefix before anything is compiled: three more reductions, no extra generator call.
    /// Check (2) cannot see a rank that does not generate (root mode's receivers, the waiters of node mode, a directory
    /// that hits); <see cref="VerifyGeneratedCodeOnEveryRank"/> does.
    /// </summary>
    public bool VerifySameRequest { get; init; }

    /// <summary>On a call that misses on some rank, every rank runs its generator and all compare what they generated
    /// (as check (2) of <see cref="VerifySameRequest"/>, over all ranks): catches a rank whose generator differs from the
    /// builder's even where that rank would only receive or load the builder's library. Costs one generator call per
    /// rank per miss and four reductions. Default false.</summary>
    public bool VerifyGeneratedCodeOnEveryRank { get; init; }

    /// <summary>Passed to the inner <see cref="JitCompiler"/> (see <see cref="JitCompilerOptions.InterruptedCompileRetries"/>;
    /// default 1). <see cref="Timeout"/> must cover every attempt of the builder's compile.</summary>
    public int InterruptedCompileRetries { get; init; } = 1;

    /// <summary>How ranks sharing a directory are found (default <see cref="DiscoveryMethod.TouchFiles"/>; use
    /// <see cref="DiscoveryMethod.NodeThenTouchFiles"/> beyond a few nodes).</summary>
    public DiscoveryMethod Discovery { get; init; } = DiscoveryMethod.TouchFiles;

    /// <summary>Passed to the inner <see cref="JitCompiler"/> (see <see cref="JitCompilerOptions.VerifyLibraryContent"/>).</summary>
    public bool VerifyLibraryContent { get; init; } = true;

    /// <summary>Passed to the inner <see cref="JitCompiler"/> (see <see cref="JitCompilerOptions.MaxCacheBytes"/>).</summary>
    public long? MaxCacheBytes { get; init; }

    /// <summary>Clock of the inner compiler and its file locks (default: system).</summary>
    public TimeProvider? TimeProvider { get; init; }
}
