using Kiln.Mpi.InProcess;

namespace Kiln.Mpi;

/// <summary>
/// An <see cref="ICommunicator"/> whose ranks are threads of this process: the same semantics as the MPI binding
/// (collective order, root bytes, reductions, splits, tagged messages in order, timeouts that leave the
/// communicator unusable) for fast tests of code that coordinates ranks. It additionally detects mismatched
/// collectives (rank 0 broadcasts while rank 1 reduces), which real MPI reports as a hang or garbage.
/// </summary>
/// <remarks>A send is buffered: it completes at once, as an eager MPI send does.</remarks>
public sealed class InProcessCommunicator : ICommunicator
{
    private readonly InProcessGroup _group;
    private readonly CommunicatorState _state;
    private long _sequence;

    private InProcessCommunicator(InProcessGroup group, int rank, TimeSpan timeout)
    {
        _group = group;
        _state = new CommunicatorState(group.Name, rank, group.Size, timeout);
    }

    /// <summary>Creates a world of <paramref name="size"/> ranks, all on one simulated node.</summary>
    /// <param name="size">Number of ranks, at least 1.</param>
    /// <param name="timeout">Default timeout of every operation.</param>
    /// <returns>One communicator per rank, index = rank; give each to its own thread.</returns>
    public static IReadOnlyList<ICommunicator> Create(int size, TimeSpan? timeout = null) =>
        Create(size, _ => 0, timeout);

    /// <summary>Creates a world of <paramref name="size"/> ranks spread over simulated nodes.</summary>
    /// <param name="size">Number of ranks, at least 1.</param>
    /// <param name="nodeOfRank">The simulated node of each rank; <see cref="ICommunicator.SplitShared"/> groups by it.</param>
    /// <param name="timeout">Default timeout of every operation; <see langword="null"/> means 30 s.</param>
    /// <returns>One communicator per rank, index = rank; give each to its own thread.</returns>
    public static IReadOnlyList<ICommunicator> Create(int size, Func<int, int> nodeOfRank, TimeSpan? timeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        ArgumentNullException.ThrowIfNull(nodeOfRank);
        var group = new InProcessGroup("world", [.. Enumerable.Range(0, size).Select(nodeOfRank)]);
        var t = timeout ?? TimeSpan.FromSeconds(30);
        return [.. Enumerable.Range(0, size).Select(r => new InProcessCommunicator(group, r, t))];
    }

    /// <summary>
    /// Runs <paramref name="body"/> once per rank, each on its own thread, and waits for all of them.
    /// </summary>
    /// <typeparam name="T">What each rank returns.</typeparam>
    /// <param name="communicators">One communicator per rank, as <see cref="Create(int, TimeSpan?)"/> returns.</param>
    /// <param name="body">The per-rank program.</param>
    /// <returns>Each rank's result, index = rank.</returns>
    /// <exception cref="AggregateException">One or more ranks threw; the inner exceptions are theirs, by rank.</exception>
    public static IReadOnlyList<T> Run<T>(IReadOnlyList<ICommunicator> communicators, Func<ICommunicator, T> body)
    {
        ArgumentNullException.ThrowIfNull(communicators);
        ArgumentNullException.ThrowIfNull(body);
        var results = new T[communicators.Count];
        var errors = new Exception?[communicators.Count];
        var threads = communicators.Select((c, r) => new Thread(() =>
        {
            try
            {
                results[r] = body(c);
            }
#pragma warning disable CA1031 // every rank's failure is reported to the caller, whatever its type
            catch (Exception e)
#pragma warning restore CA1031
            {
                errors[r] = e;
            }
        })
        { IsBackground = true, Name = $"in-process rank {r}" }).ToList();
        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());
        if (errors.Any(e => e is not null))
            throw new AggregateException("one or more in-process ranks failed", errors.OfType<Exception>());
        return results;
    }

    /// <inheritdoc/>
    public int Rank => _state.Rank;

    /// <inheritdoc/>
    public int Size => _state.Size;

    /// <inheritdoc/>
    public TimeSpan Timeout => _state.Timeout;

    /// <inheritdoc/>
    public string Name => _state.Name;

    /// <inheritdoc/>
    public ICommunicator Duplicate(TimeSpan? timeout = null)
    {
        var deadline = _state.Begin(timeout);
        var group = (InProcessGroup)Collective("Duplicate", null, deadline, "every rank to enter Duplicate",
            _ => new InProcessGroup(Name + "/dup", _group.NodeOfRank))!;
        return new InProcessCommunicator(group, Rank, Timeout);
    }

    /// <inheritdoc/>
    public ICommunicator? Split(int color, int key, TimeSpan? timeout = null) =>
        SplitBy("Split", color, key, _state.Begin(timeout), c => $"{Name}/split({c})");

    /// <inheritdoc/>
    public ICommunicator SplitShared(int key = 0, TimeSpan? timeout = null) =>
        SplitBy("SplitShared", _group.NodeOfRank[Rank], key, _state.Begin(timeout), c => $"{Name}/node({c})")!;

    private InProcessCommunicator? SplitBy(string operation, int color, int key, Deadline deadline, Func<int, string> name)
    {
        var parts = (IReadOnlyDictionary<int, (InProcessGroup Group, int Rank)>)Collective(operation, (color, key), deadline,
            $"every rank to enter {operation}", contributions =>
            {
                var result = new Dictionary<int, (InProcessGroup, int)>();
                var members = contributions.Select((c, r) => (Part: ((int Color, int Key))c!, Rank: r))
                    .Where(m => m.Part.Color >= 0)
                    .GroupBy(m => m.Part.Color);
                foreach (var part in members)
                {
                    var ordered = part.OrderBy(m => m.Part.Key).ThenBy(m => m.Rank).ToList();
                    var group = new InProcessGroup(name(part.Key), [.. ordered.Select(m => _group.NodeOfRank[m.Rank])]);
                    for (var i = 0; i < ordered.Count; i++)
                        result.Add(ordered[i].Rank, (group, i));
                }
                return result;
            })!;
        return parts.TryGetValue(Rank, out var mine) ? new InProcessCommunicator(mine.Group, mine.Rank, Timeout) : null;
    }

    /// <inheritdoc/>
    public void Barrier(TimeSpan? timeout = null) =>
        Collective("Barrier", null, _state.Begin(timeout), "every rank to enter the barrier", _ => null);

    /// <inheritdoc/>
    public byte[] Broadcast(byte[]? data, int root, TimeSpan? timeout = null)
    {
        var deadline = _state.Begin(timeout);
        _state.CheckRoot(root);
        if (Rank == root)
            ArgumentNullException.ThrowIfNull(data);
        var bytes = (byte[])Collective("Broadcast", Rank == root ? data : null, deadline,
            $"the bytes from root rank {root} (and every rank to enter Broadcast)", c => c[root])!;
        return Rank == root ? data! : (byte[])bytes.Clone();
    }

    /// <inheritdoc/>
    public int AllReduce(int value, ReduceOperation operation, TimeSpan? timeout = null) =>
        (int)AllReduce((long)value, operation, "AllReduce(int)", timeout, v => unchecked((int)v));

    /// <inheritdoc/>
    public long AllReduce(long value, ReduceOperation operation, TimeSpan? timeout = null) =>
        AllReduce(value, operation, "AllReduce(long)", timeout, v => v);

    private long AllReduce(long value, ReduceOperation operation, string name, TimeSpan? timeout, Func<long, long> wrap)
    {
        var deadline = _state.Begin(timeout);
        return (long)Collective(name, (value, operation), deadline, $"every rank's value for the {operation} reduction", c =>
        {
            var parts = c.Select(x => ((long Value, ReduceOperation Op))x!).ToList();
            if (parts.Any(p => p.Op != operation))
                throw new MpiException($"reduction mismatch on communicator '{Name}': ranks used different operations");
            return operation switch
            {
                ReduceOperation.Min => parts.Min(p => p.Value),
                ReduceOperation.Max => parts.Max(p => p.Value),
                ReduceOperation.Sum => wrap(parts.Aggregate(0L, (s, p) => unchecked(wrap(s + p.Value)))),
                _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, "unknown reduction"),
            };
        })!;
    }

    /// <inheritdoc/>
    public void Send(byte[] data, int destination, int tag, TimeSpan? timeout = null)
    {
        _state.Begin(timeout);
        ArgumentNullException.ThrowIfNull(data);
        _state.CheckPeer(destination, nameof(destination));
        CommunicatorState.CheckTag(tag);
        _group.Post(Rank, destination, tag, (byte[])data.Clone());
    }

    /// <inheritdoc/>
    public byte[] Receive(int source, int tag, TimeSpan? timeout = null)
    {
        var deadline = _state.Begin(timeout);
        _state.CheckPeer(source, nameof(source));
        CommunicatorState.CheckTag(tag);
        try
        {
            return _group.Take(source, Rank, tag, deadline, Size);
        }
        catch (MpiTimeoutException e)
        {
            _state.MarkUnusable(e.Message);
            throw;
        }
    }

    /// <inheritdoc/>
    public void Dispose() => _state.MarkDisposed();

    private object? Collective(string operation, object? contribution, Deadline deadline, string waitedFor, Func<object?[], object?> combine)
    {
        var sequence = _sequence++;
        try
        {
            return _group.Collective(sequence, operation, Rank, contribution, combine, deadline, () => waitedFor, Size);
        }
        catch (MpiException e)
        {
            _state.MarkUnusable(e.Message);
            throw;
        }
    }
}
