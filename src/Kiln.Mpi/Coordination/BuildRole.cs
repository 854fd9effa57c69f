namespace Kiln.Mpi.Coordination;

/// <summary>What this rank did in one <see cref="DistributedBuild.Run"/>.</summary>
public enum BuildRole
{
    /// <summary>Every rank of the group already had the library: nothing was built or sent.</summary>
    Hit,

    /// <summary>This rank built the library.</summary>
    Builder,

    /// <summary>This rank installed bytes that the builder sent (root mode, a directory leader).</summary>
    Receiver,

    /// <summary>This rank waited until another rank had published the library in its directory.</summary>
    Waiter,
}
