namespace Kiln.Scheduling;

/// <summary>
/// Runs the redos started in one context: at most <see cref="MaxParallel"/> at a time on the thread pool;
/// failures are collected and the first one (in start order) is rethrown when the context completes them. Once the
/// run is interrupted, no redo is scheduled any more (a start waiting for a slot gives up).
/// </summary>
internal sealed class RedoScheduler : IDisposable
{
    private readonly SemaphoreSlim _slots;
    private readonly CancellationToken _interruption;
    private readonly Lock _gate = new();
    private readonly List<Task> _pending = [];
    private readonly SortedList<long, Exception> _failures = [];
    private long _sequence;

    public RedoScheduler(int maxParallel, CancellationToken interruption = default)
    {
        _interruption = interruption;
        MaxParallel = Math.Max(1, maxParallel);
        _slots = new SemaphoreSlim(MaxParallel, MaxParallel);
    }

    public int MaxParallel { get; }

    /// <summary>What a start, a redo or a helper throws once the run is interrupted.</summary>
    public static OperationCanceledException Interrupted(CancellationToken interruption) =>
        new("the run was interrupted (SIGINT or SIGTERM): no more redos are started", interruption);

    /// <summary>Number of redos started and not yet completed.</summary>
    public int PendingCount
    {
        get
        {
            lock (_gate)
                return _pending.Count(t => !t.IsCompleted);
        }
    }

    /// <summary>
    /// Waits (blocking the caller, as dlb's <c>start()</c> does) until fewer than <see cref="MaxParallel"/> redos
    /// are running, then starts <paramref name="redo"/> on the thread pool. The returned task completes with
    /// the redo; its failure is also kept for <see cref="CompleteAll"/>.
    /// </summary>
    /// <exception cref="OperationCanceledException">The run is interrupted (before or while waiting): the redo is not started.</exception>
    public Task Schedule(Func<Task> redo)
    {
        ArgumentNullException.ThrowIfNull(redo);
        try
        {
            _slots.Wait(_interruption);
        }
        catch (OperationCanceledException)
        {
            throw Interrupted(_interruption);
        }
        long sequence;
        lock (_gate)
            sequence = _sequence++;
        var task = Task.Run(async () =>
        {
            try
            {
                await redo().ConfigureAwait(false);
            }
            catch (Exception e)
            {
                lock (_gate)
                    _failures[sequence] = e;
                throw;
            }
            finally
            {
                _slots.Release();
            }
        });
        lock (_gate)
        {
            _pending.RemoveAll(t => t.IsCompleted);
            _pending.Add(task);
        }
        return task;
    }

    /// <summary>Waits for every pending redo; rethrows the first failure (in start order) not yet observed.</summary>
    public void CompleteAll()
    {
        Task[] pending;
        lock (_gate)
            pending = [.. _pending];
        try
        {
            Task.WaitAll(pending);
        }
        catch (AggregateException)
        {
            // Failures are reported from _failures in start order below.
        }
        Exception? first = null;
        lock (_gate)
        {
            _pending.Clear();
            if (_failures.Count > 0)
            {
                first = _failures.Values[0];
                _failures.Clear();
            }
        }
        if (first is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
    }

    public void Dispose() => _slots.Dispose();
}
