namespace Kiln.Mpi.Discovery;

/// <summary>
/// Which ranks share one physical cache directory, as found by <see cref="SharedDirectoryDiscovery"/>: the
/// communicators distributed JIT needs (one per directory, one of the directory leaders) and facts for choosing a
/// mode. Identical on every rank of a group; dispose it to free the communicators.
/// </summary>
public sealed class DirectoryTopology : IDisposable
{
    internal DirectoryTopology(string directory, ICommunicator group, IReadOnlyList<int> groupRanks, ICommunicator? leaders,
        int directoryCount, int nodeCount, bool spansNodes, bool nodeHasOtherDirectories, int listingRounds, TimeSpan elapsed)
    {
        Directory = directory;
        Group = group;
        GroupRanks = groupRanks;
        Leaders = leaders;
        DirectoryCount = directoryCount;
        NodeCount = nodeCount;
        SpansNodes = spansNodes;
        NodeHasOtherDirectories = nodeHasOtherDirectories;
        ListingRounds = listingRounds;
        Elapsed = elapsed;
    }

    /// <summary>The directory as this rank named it (other ranks may name it differently).</summary>
    public string Directory { get; }

    /// <summary>The ranks that see the same physical directory; its rank 0 is the leader (lowest parent rank).</summary>
    public ICommunicator Group { get; }

    /// <summary>The group's members as ranks of the parent communicator, ascending.</summary>
    public IReadOnlyList<int> GroupRanks { get; }

    /// <summary>The leader's rank in the parent communicator (the lowest rank that sees the directory).</summary>
    public int Leader => GroupRanks[0];

    /// <summary>Whether this rank leads its directory group (builds or receives for it).</summary>
    public bool IsLeader => Group.Rank == 0;

    /// <summary>
    /// The leaders of all directory groups (ordered by parent rank, so parent rank 0 is its rank 0), on leaders;
    /// <see langword="null"/> on the other ranks. Root mode ships library bytes over it.
    /// </summary>
    public ICommunicator? Leaders { get; }

    /// <summary>Number of distinct physical directories among the parent communicator's ranks.</summary>
    public int DirectoryCount { get; }

    /// <summary>Number of shared-memory nodes (MPI_COMM_TYPE_SHARED groups) among the parent communicator's ranks.</summary>
    public int NodeCount { get; }

    /// <summary>True if this directory group spans several nodes: the directory is on a network file system.</summary>
    public bool SpansNodes { get; }

    /// <summary>True if ranks on this rank's node use other directories too (e.g. one private directory per rank).</summary>
    public bool NodeHasOtherDirectories { get; }

    /// <summary>How many listings it took until every rank's view agreed (1 on a coherent file system).</summary>
    public int ListingRounds { get; }

    /// <summary>This rank's wall time for the whole discovery.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>Frees <see cref="Group"/> and <see cref="Leaders"/>.</summary>
    public void Dispose()
    {
        Group.Dispose();
        Leaders?.Dispose();
    }
}
