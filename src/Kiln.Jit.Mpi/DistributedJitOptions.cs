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
    /// <see cref="JitRequest.LockTimeout"/>. It must exceed the longest compile plus the arrival skew between ranks.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>
    /// True (default): every rank makes the same <see cref="DistributedJit.Jit"/> calls in the same order (jit calls are
    /// collective, as in dijitso and PyOP2), so a request this instance already answered is answered again from memory
    /// on every rank without any collective. False: every call takes part in the agreement (two reductions on a hit),
    /// which tolerates ranks whose earlier calls differed — but then every call must still be made by every rank.
    /// </summary>
    public bool CallsAreCollective { get; init; } = true;

    /// <summary>Check on every call (not answered from memory) that all ranks asked for the same signature and options:
    /// two reductions of a 64-bit hash (PyOP2's spmd_strict). A mismatch throws <see cref="JitRequestException"/> on
    /// every rank instead of a later, less direct error. Default false.</summary>
    public bool VerifySameRequest { get; init; }

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
