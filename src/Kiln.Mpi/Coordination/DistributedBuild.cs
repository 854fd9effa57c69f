using Kiln.Mpi.Discovery;

namespace Kiln.Mpi.Coordination;

/// <summary>
/// The collective-safe protocol that makes a library present in every rank's cache directory with one build per
/// directory (node), per job (root) or per rank (process) — the building block of distributed JIT, free of any JIT
/// type: the cache supplies <see cref="BuildCallbacks"/>.
/// </summary>
/// <remarks>
/// <para>Rules that fix dijitso's hazards (spec b.6/b.7):</para>
/// <list type="bullet">
/// <item>Hit or miss is agreed by a reduction before any other collective (H1: a rank that hits never skips a
/// collective that others enter).</item>
/// <item>The builder's outcome — success, or its exception's type and message — is broadcast, so a failed build
/// reaches every rank as the same <see cref="RootFailedException"/> instead of a deadlock (H3, root-mode deadlock).</item>
/// <item>Received bytes are installed by the cache's own atomic publication (H2).</item>
/// <item>Every call ends with <see cref="Collective.ThrowIfAnyFailed"/> over the whole communicator, so ranks of
/// different directories leave together even if one directory's build failed.</item>
/// <item>Every wait is bounded by the timeout (a dead or hung builder ends in <see cref="MpiTimeoutException"/>).</item>
/// </list>
/// <para>Collectives per call on a hit: 1 reduction (node: over the directory group; root and process: over all
/// ranks) + the final reduction. On a miss in node mode: + 1 group broadcast of a few bytes; root mode: + 1
/// reduction and 1 broadcast of the library over the leaders + 1 group broadcast.</para>
/// </remarks>
public static class DistributedBuild
{
    /// <summary>The mode <see cref="BuildMode.Auto"/> stands for on this topology (the same on every rank).</summary>
    /// <param name="topology">The directory topology of the ranks.</param>
    /// <param name="requested">The requested mode.</param>
    /// <returns>A mode other than <see cref="BuildMode.Auto"/>.</returns>
    public static BuildMode Resolve(DirectoryTopology topology, BuildMode requested)
    {
        ArgumentNullException.ThrowIfNull(topology);
        return requested != BuildMode.Auto ? requested : topology.DirectoryCount == 1 ? BuildMode.Node : BuildMode.Root;
    }

    /// <summary>
    /// Collective over <paramref name="communicator"/>: afterwards the library is published in every rank's directory,
    /// or every rank throws the same exception.
    /// </summary>
    /// <param name="communicator">The communicator <paramref name="topology"/> was discovered on.</param>
    /// <param name="topology">Who shares which directory.</param>
    /// <param name="mode">Who builds.</param>
    /// <param name="callbacks">The cache operations for this library.</param>
    /// <param name="timeout">Bound for each collective, including those that wait for a build; <see langword="null"/>
    /// means the communicator's timeout.</param>
    /// <returns>What this rank did.</returns>
    /// <exception cref="RootFailedException">A build, install or lookup failed on some rank (the same on every rank).</exception>
    /// <exception cref="MpiTimeoutException">A rank did not take part in time (e.g. the builder hangs or died).</exception>
    public static BuildOutcome Run(ICommunicator communicator, DirectoryTopology topology, BuildMode mode,
        BuildCallbacks callbacks, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentNullException.ThrowIfNull(topology);
        ArgumentNullException.ThrowIfNull(callbacks);
        var resolved = Resolve(topology, mode);
        var hit = Lookup(callbacks);
        Exception? failure = null;
        var role = BuildRole.Hit;
        switch (resolved)
        {
            case BuildMode.Node:
                if (topology.Group.AnyTrue(!hit, timeout))
                    role = NodeMiss(topology, callbacks, timeout, ref failure);
                break;
            case BuildMode.Root:
                if (communicator.AnyTrue(!hit, timeout))
                    role = RootMiss(topology, callbacks, hit, timeout, ref failure);
                break;
            case BuildMode.Process:
                if (!communicator.AllTrue(topology.Group.Size == 1, timeout))
                    throw new InvalidOperationException(
                        $"build mode Process needs one cache directory per rank, but ranks of '{communicator.Name}' share directories ({topology.DirectoryCount} directories for {communicator.Size} ranks); configure distinct cache directories per rank or use mode Node");
                if (!hit)
                {
                    role = BuildRole.Builder;
                    failure = Try(callbacks.Build);
                }
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "unknown build mode");
        }
        communicator.ThrowIfAnyFailed(failure, timeout);
        return new BuildOutcome(resolved, role);
    }

    private static BuildRole NodeMiss(DirectoryTopology topology, BuildCallbacks callbacks, TimeSpan? timeout, ref Exception? failure)
    {
        var built = false;
        try
        {
            topology.Group.RunOnRoot(0, () =>
            {
                if (!callbacks.IsPublished())
                {
                    built = true;
                    callbacks.Build();
                }
                return [];
            }, timeout);
        }
        catch (RootFailedException e)
        {
            failure = e;
        }
        return topology.IsLeader ? (built ? BuildRole.Builder : BuildRole.Hit) : BuildRole.Waiter;
    }

    private static BuildRole RootMiss(DirectoryTopology topology, BuildCallbacks callbacks, bool hit, TimeSpan? timeout, ref Exception? failure)
    {
        // A leader that neither builds nor receives had the library; a non-leader waits for its leader unless it had it.
        var role = topology.IsLeader || hit ? BuildRole.Hit : BuildRole.Waiter;
        Exception? leaderFailure = null;
        if (topology.Leaders is { } leaders)
        {
            var isBuilder = leaders.Rank == 0;
            var leaderHit = hit;
            try
            {
                // Only the leaders that miss need the bytes; agree first so that a job whose other directories are
                // all complete does not ship the library.
                if (leaders.AnyTrue(!leaderHit, timeout))
                {
                    var bytes = leaders.RunOnRoot(0, () =>
                    {
                        if (!callbacks.IsPublished())
                        {
                            role = BuildRole.Builder;
                            callbacks.Build();
                        }
                        return callbacks.ReadPublished();
                    }, timeout);
                    if (!isBuilder && !callbacks.IsPublished())
                    {
                        role = BuildRole.Receiver;
                        callbacks.Install(bytes);
                    }
                }
            }
#pragma warning disable CA1031 // the leader's failure, whatever it is, goes to its group and then to every rank
            catch (Exception e)
#pragma warning restore CA1031
            {
                leaderFailure = e;
            }
        }
        try
        {
            topology.Group.RunOnRoot(0, () => leaderFailure is null ? [] : throw leaderFailure, timeout);
        }
        catch (RootFailedException e)
        {
            failure = e;
        }
        return role;
    }

    private static bool Lookup(BuildCallbacks callbacks)
    {
        try
        {
            return callbacks.IsPublished();
        }
#pragma warning disable CA1031 // an unreadable entry counts as a miss; the build path repeats the lookup
        catch (Exception)
#pragma warning restore CA1031
        {
            return false;
        }
    }

    private static Exception? Try(Action action)
    {
        try
        {
            action();
            return null;
        }
#pragma warning disable CA1031 // reported collectively by ThrowIfAnyFailed
        catch (Exception e)
#pragma warning restore CA1031
        {
            return e;
        }
    }
}
