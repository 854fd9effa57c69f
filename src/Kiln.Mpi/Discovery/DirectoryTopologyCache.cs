namespace Kiln.Mpi.Discovery;

/// <summary>
/// Remembers the topology of each cache directory for one communicator, so that discovery runs once per directory
/// instead of on every JIT call (dijitso's hazard H4) — without letting ranks diverge on whether they remember.
/// </summary>
/// <remarks>
/// Each rank names its directory with its own path, so "have I discovered this one before?" is a local fact; the
/// ranks agree on it with one AllTrue before using their memory, and discover again together if any of them has
/// not. <see cref="Get"/> is therefore collective. Not thread-safe (like the communicator).
/// </remarks>
public sealed class DirectoryTopologyCache : IDisposable
{
    private readonly ICommunicator _communicator;
    private readonly DiscoveryMethod _method;
    private readonly Dictionary<string, DirectoryTopology> _known = new(StringComparer.Ordinal);

    /// <summary>Creates an empty cache for <paramref name="communicator"/>.</summary>
    /// <param name="communicator">The ranks whose directories are discovered; it must outlive the cache.</param>
    /// <param name="method">The discovery method (the same on every rank).</param>
    public DirectoryTopologyCache(ICommunicator communicator, DiscoveryMethod method = DiscoveryMethod.TouchFiles)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        _communicator = communicator;
        _method = method;
    }

    /// <summary>Number of directories remembered by this rank.</summary>
    public int Count => _known.Count;

    /// <summary>Collective: the topology of this rank's <paramref name="directory"/>, discovered if any rank lacks it.</summary>
    /// <param name="directory">This rank's path of the cache directory.</param>
    /// <param name="timeout">Bound for each collective; <see langword="null"/> means the communicator's timeout.</param>
    /// <returns>The topology, owned by the cache (do not dispose it).</returns>
    public DirectoryTopology Get(string directory, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var key = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        var known = _known.TryGetValue(key, out var topology);
        if (_communicator.AllTrue(known, timeout))
            return topology!;
        var fresh = SharedDirectoryDiscovery.Discover(_communicator, key, _method, timeout);
        topology?.Dispose();
        _known[key] = fresh;
        return fresh;
    }

    /// <summary>Disposes every remembered topology (frees their communicators).</summary>
    public void Dispose()
    {
        foreach (var topology in _known.Values)
            topology.Dispose();
        _known.Clear();
    }
}
