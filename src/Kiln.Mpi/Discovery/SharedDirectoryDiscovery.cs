using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;

namespace Kiln.Mpi.Discovery;

/// <summary>
/// Finds which ranks share one physical cache directory, by touching files — paths are never compared, because the
/// same string may be node-local on one rank and a network mount on another (dijitso's insight, kept).
/// </summary>
/// <remarks>
/// <para><b>Protocol</b> (collective over the parent communicator; every step is entered by every rank):</para>
/// <list type="number">
/// <item>Rank 0 draws a 128-bit run id and broadcasts it (stale markers of crashed runs never match).</item>
/// <item>Each rank creates <c>.kiln-rank-&lt;run id&gt;-&lt;rank&gt;</c> in its directory (content: host, pid). If any rank
/// cannot, every rank throws <see cref="DirectoryDiscoveryException"/> naming the lowest failing rank.</item>
/// <item>Barrier: every marker exists before anyone lists.</item>
/// <item>Listing round: each rank lists the markers it sees (a fresh <c>opendir</c>), takes leader = lowest rank
/// seen, splits by leader, and checks in its group that every member saw the same set (64-bit hash, MIN = MAX) and
/// that the group has as many members as the set. An AllTrue over all ranks accepts the round. Otherwise (a network
/// file system whose directory attribute cache hides new entries) the ranks wait (20 ms, doubling), create and
/// delete a probe file (a local change makes an NFS client revalidate the directory), and list again — at most
/// <see cref="MaxListingRounds"/> rounds, then every rank throws.</item>
/// <item>Each rank deletes its marker (safe: the accepting AllTrue proves every rank has listed).</item>
/// <item>Leaders split off a leaders communicator; MPI_COMM_TYPE_SHARED gives the node view for the cross-check.</item>
/// </list>
/// <para>Cost on P ranks: 1 broadcast, 1 barrier, per round 1 split + 2 group reductions + 1 reduction, then 1 split,
/// 1 shared split and 5 reductions — O(log P) latency each; one create, one listing and one delete per rank on the
/// file system. Do it once per (communicator, directory) and cache the result (dijitso repeats it on every call).</para>
/// </remarks>
public static class SharedDirectoryDiscovery
{
    /// <summary>Listing rounds before discovery gives up.</summary>
    public const int MaxListingRounds = 6;

    private const string MarkerPrefix = ".kiln-rank-";
    private static readonly TimeSpan FirstRetryDelay = TimeSpan.FromMilliseconds(20);

    /// <summary>Collective: finds the ranks of <paramref name="communicator"/> that share <paramref name="directory"/>.</summary>
    /// <param name="communicator">The ranks to partition (each passes its own path for the cache directory).</param>
    /// <param name="directory">This rank's path of the directory; it must exist and be writable.</param>
    /// <param name="timeout">Bound for each collective step; <see langword="null"/> means the communicator's timeout.</param>
    /// <returns>The topology; dispose it when done with its communicators.</returns>
    /// <exception cref="DirectoryDiscoveryException">A rank cannot write a marker, or the ranks' listings never agreed.</exception>
    /// <exception cref="MpiTimeoutException">A rank did not take part.</exception>
    public static DirectoryTopology Discover(ICommunicator communicator, string directory, TimeSpan? timeout = null) =>
        Discover(communicator, directory, DiscoveryMethod.TouchFiles, timeout);

    /// <summary>Collective: finds the ranks of <paramref name="communicator"/> that share <paramref name="directory"/>,
    /// with a chosen method (every rank must pass the same).</summary>
    /// <param name="communicator">The ranks to partition (each passes its own path for the cache directory).</param>
    /// <param name="directory">This rank's path of the directory; it must exist and be writable.</param>
    /// <param name="method">How; <see cref="DiscoveryMethod.NodeThenTouchFiles"/> for large jobs.</param>
    /// <param name="timeout">Bound for each collective step; <see langword="null"/> means the communicator's timeout.</param>
    /// <returns>The topology; dispose it when done with its communicators.</returns>
    /// <exception cref="DirectoryDiscoveryException">A rank cannot write a marker, or the ranks' listings never agreed.</exception>
    /// <exception cref="MpiTimeoutException">A rank did not take part.</exception>
    public static DirectoryTopology Discover(ICommunicator communicator, string directory, DiscoveryMethod method, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var markers = new MarkerDirectory(directory);
        return method == DiscoveryMethod.NodeThenTouchFiles
            ? DiscoverByNode(communicator, markers, timeout)
            : Discover(communicator, markers, timeout);
    }

    /// <summary>
    /// <see cref="DiscoveryMethod.NodeThenTouchFiles"/>: node → classes of equal (device, inode) → touch files among one
    /// representative per class → every rank learns its group's leader from its representative.
    /// </summary>
    internal static DirectoryTopology DiscoverByNode(ICommunicator communicator, IMarkerDirectory directory, TimeSpan? timeout,
        Action<TimeSpan>? sleep = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        var started = Stopwatch.GetTimestamp();
        var rank = communicator.Rank;
        var identity = directory.Identity();
        if (communicator.AnyTrue(identity is null, timeout))
            return Discover(communicator, directory, timeout, sleep);
        var key = unchecked((long)(identity!.Value.Device * 0x9E3779B97F4A7C15UL ^ identity.Value.Inode));
        using var node = communicator.SplitShared(rank, timeout);
        using var identical = node.Split((int)(key & int.MaxValue), rank, timeout)!;
        if (communicator.AnyTrue(!identical.AllSame(key, timeout), timeout))
            return Discover(communicator, directory, timeout, sleep); // a 31-bit colour collision: rare, stay exact

        var isRepresentative = identical.Rank == 0;
        using var representatives = communicator.Split(isRepresentative ? 0 : -1, rank, timeout);
        byte[] answer;
        try
        {
            // The representatives' discovery runs inside RunOnRoot so that its failure reaches the whole class.
            answer = identical.RunOnRoot(0, () =>
            {
                using var among = Discover(representatives!, directory, timeout, sleep);
                var leader = among.Group.AllReduce(rank, ReduceOperation.Min, timeout);
                return [.. BitConverter.GetBytes(leader), .. BitConverter.GetBytes(among.ListingRounds)];
            }, timeout);
        }
        catch (RootFailedException e) when (e.ErrorType == typeof(DirectoryDiscoveryException).FullName)
        {
            throw new DirectoryDiscoveryException(e.ErrorMessage, e);
        }
        var groupLeader = BitConverter.ToInt32(answer, 0);
        var rounds = BitConverter.ToInt32(answer, 4);
        var group = communicator.Split(groupLeader, rank, timeout)!;
        try
        {
            var members = GatherRanks(group, rank, timeout);
            return Complete(communicator, directory.Path, group, members, rounds, started, timeout, node);
        }
        catch
        {
            group.Dispose();
            throw;
        }
    }

    /// <summary>Every member learns the parent ranks of the group, ascending (point-to-point to rank 0, then a broadcast).</summary>
    private static int[] GatherRanks(ICommunicator group, int parentRank, TimeSpan? timeout)
    {
        const int tag = 1;
        byte[]? all = null;
        if (group.Rank == 0)
        {
            var ranks = new List<int> { parentRank };
            for (var source = 1; source < group.Size; source++)
                ranks.Add(BitConverter.ToInt32(group.Receive(source, tag, timeout)));
            all = [.. ranks.Order().SelectMany(BitConverter.GetBytes)];
        }
        else
        {
            group.Send(BitConverter.GetBytes(parentRank), 0, tag, timeout);
        }
        var bytes = group.Broadcast(all, 0, timeout);
        return [.. Enumerable.Range(0, bytes.Length / 4).Select(i => BitConverter.ToInt32(bytes, 4 * i))];
    }

    internal static DirectoryTopology Discover(ICommunicator communicator, IMarkerDirectory directory, TimeSpan? timeout,
        Action<TimeSpan>? sleep = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        sleep ??= Thread.Sleep;
        var started = Stopwatch.GetTimestamp();
        var rank = communicator.Rank;

        var runId = Convert.ToHexStringLower(communicator.Broadcast(rank == 0 ? RandomNumberGenerator.GetBytes(16) : null, 0, timeout));
        var prefix = $"{MarkerPrefix}{runId}-";
        var marker = prefix + rank.ToString(CultureInfo.InvariantCulture);

        Exception? createError = null;
        try
        {
            directory.Create(marker, $"{Environment.MachineName} {Environment.ProcessId}\n");
        }
#pragma warning disable CA1031 // reported collectively below, whatever the I/O failure
        catch (Exception e)
#pragma warning restore CA1031
        {
            createError = e;
        }
        var failing = communicator.AllReduce(createError is null ? 0 : 1, ReduceOperation.Sum, timeout);
        if (failing > 0)
        {
            var lowest = communicator.AllReduce(createError is null ? int.MaxValue : rank, ReduceOperation.Min, timeout);
            if (createError is null)
                TryDelete(directory, marker);
            var mine = createError is null ? "" : $"; on rank {rank}: {createError.Message}";
            throw new DirectoryDiscoveryException(
                $"{failing} rank(s) could not create a marker file in their cache directory, the lowest is rank {lowest} of '{communicator.Name}'; the directory must exist and be writable{mine}",
                createError ?? new IOException("marker not created on another rank"));
        }

        try
        {
            communicator.Barrier(timeout);
            var (group, seen, rounds) = AgreeOnGroups(communicator, directory, prefix, runId, timeout, sleep);
            TryDelete(directory, marker);
            try
            {
                return Complete(communicator, directory.Path, group, seen, rounds, started, timeout);
            }
            catch
            {
                group.Dispose();
                throw;
            }
        }
        finally
        {
            TryDelete(directory, marker);
        }
    }

    private static (ICommunicator Group, int[] Seen, int Rounds) AgreeOnGroups(ICommunicator communicator,
        IMarkerDirectory directory, string prefix, string runId, TimeSpan? timeout, Action<TimeSpan> sleep)
    {
        var rank = communicator.Rank;
        var delay = FirstRetryDelay;
        for (var round = 1; ; round++)
        {
            var seen = directory.List(prefix)
                .Select(name => int.TryParse(name.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var r) ? r : -1)
                .Where(r => r >= 0 && r < communicator.Size)
                .Distinct()
                .Order()
                .ToArray();
            var leader = seen.Length > 0 && seen.Contains(rank) ? seen[0] : rank;
            var group = communicator.Split(leader, rank, timeout)!;
            var sameSet = group.AllSame(Hash(seen), timeout);
            var consistent = communicator.AllTrue(sameSet && seen.Contains(rank) && group.Size == seen.Length, timeout);
            if (consistent)
                return (group, seen, round);
            group.Dispose();
            if (round == MaxListingRounds)
                throw new DirectoryDiscoveryException(
                    $"ranks of '{communicator.Name}' still disagree on who shares their cache directory after {round} listings (rank {rank} sees [{string.Join(",", seen)}] in {directory.Path}); is the directory on a network file system whose listings lag? Use node-local cache directories or the explicit per-node mode");
            sleep(delay);
            delay *= 2;
            var probe = $"{prefix}probe-{rank}-{round}";
            TryCreate(directory, probe);
            TryDelete(directory, probe);
        }
    }

    private static DirectoryTopology Complete(ICommunicator communicator, string path, ICommunicator group, int[] seen,
        int rounds, long started, TimeSpan? timeout, ICommunicator? existingNode = null)
    {
        var isLeader = group.Rank == 0;
        var leaders = communicator.Split(isLeader ? 0 : -1, communicator.Rank, timeout);
        try
        {
            var directoryCount = communicator.AllReduce(isLeader ? 1 : 0, ReduceOperation.Sum, timeout);
            int nodeLeader, nodeCount;
            bool nodeHasOtherDirectories;
            var node = existingNode ?? communicator.SplitShared(communicator.Rank, timeout);
            try
            {
                nodeLeader = node.AllReduce(communicator.Rank, ReduceOperation.Min, timeout);
                nodeHasOtherDirectories = !node.AllSame(seen[0], timeout);
                nodeCount = communicator.AllReduce(node.Rank == 0 ? 1 : 0, ReduceOperation.Sum, timeout);
            }
            finally
            {
                if (existingNode is null)
                    node.Dispose();
            }
            var spansNodes = !group.AllSame(nodeLeader, timeout);
            return new DirectoryTopology(path, group, seen, leaders, directoryCount, nodeCount, spansNodes,
                nodeHasOtherDirectories, rounds, Stopwatch.GetElapsedTime(started));
        }
        catch
        {
            leaders?.Dispose();
            throw;
        }
    }

    /// <summary>FNV-1a over the sorted ranks: equal sets give equal hashes on every rank.</summary>
    private static long Hash(int[] ranks)
    {
        var hash = 14695981039346656037UL;
        foreach (var r in ranks)
        {
            for (var shift = 0; shift < 32; shift += 8)
            {
                hash ^= (byte)(r >> shift);
                hash *= 1099511628211UL;
            }
        }
        return unchecked((long)hash);
    }

    private static void TryCreate(IMarkerDirectory directory, string name)
    {
        try
        {
            directory.Create(name, "");
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static void TryDelete(IMarkerDirectory directory, string name)
    {
        try
        {
            directory.Delete(name);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
