using Kiln.Mpi.Coordination;

namespace Kiln.Jit.Mpi;

/// <summary>What one <see cref="DistributedJit.JitWithReport"/> call did on this rank.</summary>
/// <param name="Library">The loaded library (the same entry on every rank that shares a directory).</param>
/// <param name="Mode">The mode that ran (<see cref="BuildMode.Auto"/> resolved).</param>
/// <param name="Role">What this rank did: <see cref="BuildRole.Hit"/> (every rank of its scope had it, or answered from
/// memory), <see cref="BuildRole.Builder"/> (compiled), <see cref="BuildRole.Receiver"/> (installed bytes sent over
/// MPI), <see cref="BuildRole.Waiter"/> (loaded what another rank published in its directory).</param>
/// <param name="FromMemory">True when answered from this instance's memory without any collective
/// (<see cref="DistributedJitOptions.CallsAreCollective"/>).</param>
public sealed record DistributedJitResult(JitLibrary Library, BuildMode Mode, BuildRole Role, bool FromMemory);
