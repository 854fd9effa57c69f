namespace Kiln.Mpi.Coordination;

/// <summary>How one <see cref="DistributedBuild.Run"/> went on this rank; after it the library is published in this
/// rank's directory and the caller loads it.</summary>
/// <param name="Mode">The mode that ran (<see cref="BuildMode.Auto"/> resolved).</param>
/// <param name="Role">What this rank did.</param>
public sealed record BuildOutcome(BuildMode Mode, BuildRole Role);
