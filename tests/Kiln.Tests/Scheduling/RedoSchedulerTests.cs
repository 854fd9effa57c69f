using System.Collections.Concurrent;
using Kiln.Scheduling;

namespace Kiln.Tests.Scheduling;

/// <summary>
/// Bounded parallel redos and failures in start order (dlb-spec §8.8). Orderings are asserted by events and
/// <see cref="TaskCompletionSource"/>s, never by timing.
/// </summary>
public sealed class RedoSchedulerTests
{
    private static TaskCompletionSource NewGate() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Runs <paramref name="action"/> on a new thread and returns once that thread blocks or ends.</summary>
    private static Thread StartAndWaitUntilBlocked(Action action)
    {
        var thread = new Thread(() => action()) { IsBackground = true };
        thread.Start();
        SpinWait.SpinUntil(() => (thread.ThreadState & (ThreadState.WaitSleepJoin | ThreadState.Stopped)) != 0);
        return thread;
    }

    [Fact]
    public void Parallelism_is_at_least_one()
    {
        using var scheduler = new RedoScheduler(0);

        Assert.Equal(1, scheduler.MaxParallel);
    }

    [Fact]
    public async Task With_one_slot_the_second_redo_starts_after_the_first_completed()
    {
        using var scheduler = new RedoScheduler(1);
        var events = new ConcurrentQueue<string>();
        var firstStarted = NewGate();
        var releaseFirst = NewGate();

        var first = scheduler.Schedule(async () =>
        {
            events.Enqueue("first started");
            firstStarted.SetResult();
            await releaseFirst.Task;
            events.Enqueue("first completed");
        });
        await firstStarted.Task.WaitAsync(TestContext.Current.CancellationToken);
        var scheduling = StartAndWaitUntilBlocked(() =>
        {
            scheduler.Schedule(() =>
            {
                events.Enqueue("second started");
                return Task.CompletedTask;
            });
            events.Enqueue("second scheduled");
        });
        events.Enqueue("first released");
        releaseFirst.SetResult();
        scheduling.Join();
        scheduler.CompleteAll();

        var order = events.ToList();
        Assert.Equal(["first started", "first released", "first completed"], order.Where(e => e.StartsWith("first", StringComparison.Ordinal)));
        Assert.True(order.IndexOf("first completed") < order.IndexOf("second started"), string.Join(", ", order));
        Assert.True(order.IndexOf("first completed") < order.IndexOf("second scheduled"), string.Join(", ", order));
        Assert.True(first.IsCompletedSuccessfully);
    }

    [Fact]
    public async Task With_two_slots_two_redos_run_at_the_same_time()
    {
        using var scheduler = new RedoScheduler(2);
        var firstStarted = NewGate();
        var secondStarted = NewGate();

        var first = scheduler.Schedule(async () =>
        {
            firstStarted.SetResult();
            await secondStarted.Task;
        });
        var second = scheduler.Schedule(async () =>
        {
            secondStarted.SetResult();
            await firstStarted.Task;
        });

        await Task.WhenAll(first, second).WaitAsync(TestContext.Current.CancellationToken);
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public async Task PendingCount_counts_the_redos_not_yet_completed()
    {
        using var scheduler = new RedoScheduler(3);
        var gate = NewGate();

        var waiting = scheduler.Schedule(() => gate.Task);
        await scheduler.Schedule(() => Task.CompletedTask);

        Assert.Equal(1, scheduler.PendingCount);
        gate.SetResult();
        await waiting;
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public async Task The_task_of_a_redo_fails_with_its_exception()
    {
        using var scheduler = new RedoScheduler(1);
        var failure = new InvalidOperationException("redo failed");

        var task = scheduler.Schedule(() => Task.FromException(failure));

        Assert.Same(failure, await Assert.ThrowsAsync<InvalidOperationException>(() => task));
    }

    [Fact]
    public async Task CompleteAll_rethrows_the_first_failure_in_start_order_after_all_redos_completed()
    {
        using var scheduler = new RedoScheduler(3);
        var firstFailure = new InvalidOperationException("first started");
        var secondFailure = new InvalidOperationException("second started, failed first");
        var releaseFirst = NewGate();
        var releaseThird = NewGate();
        var thirdCompleted = false;

        var first = scheduler.Schedule(async () =>
        {
            await releaseFirst.Task;
            throw firstFailure;
        });
        var second = scheduler.Schedule(() => throw secondFailure);
        _ = scheduler.Schedule(async () =>
        {
            await releaseThird.Task;
            thirdCompleted = true;
        });
        await Assert.ThrowsAsync<InvalidOperationException>(() => second);
        releaseFirst.SetResult();
        await Assert.ThrowsAsync<InvalidOperationException>(() => first);

        Exception? thrown = null;
        var thirdCompletedWhenThrown = false;
        var completing = StartAndWaitUntilBlocked(() =>
        {
            try
            {
                scheduler.CompleteAll();
            }
            catch (Exception e)
            {
                thrown = e;
                thirdCompletedWhenThrown = thirdCompleted;
            }
        });
        releaseThird.SetResult();
        completing.Join();

        Assert.Same(firstFailure, thrown);
        Assert.True(thirdCompletedWhenThrown);
    }

    [Fact]
    public void A_failure_is_rethrown_only_once()
    {
        using var scheduler = new RedoScheduler(1);
        scheduler.Schedule(() => throw new InvalidOperationException("once"));

        Assert.Throws<InvalidOperationException>(scheduler.CompleteAll);
        scheduler.CompleteAll();
    }

    [Fact]
    public void CompleteAll_without_failures_returns_after_every_redo_completed()
    {
        using var scheduler = new RedoScheduler(2);
        var completed = new ConcurrentBag<int>();

        for (var i = 0; i < 5; i++)
        {
            var n = i;
            scheduler.Schedule(async () =>
            {
                await Task.Yield();
                completed.Add(n);
            });
        }
        scheduler.CompleteAll();

        Assert.Equal([0, 1, 2, 3, 4], completed.Order());
        Assert.Equal(0, scheduler.PendingCount);
    }

    [Fact]
    public void CompleteAll_without_redos_returns()
    {
        using var scheduler = new RedoScheduler(1);

        scheduler.CompleteAll();

        Assert.Equal(0, scheduler.PendingCount);
    }

    // Issue 13 item 4: after Ctrl-C, a start waiting for a slot must not start its redo when the slot frees.
    [Fact]
    public async Task After_an_interruption_a_start_waiting_for_a_slot_gives_up_and_its_redo_never_runs()
    {
        using var interruption = new CancellationTokenSource();
        using var scheduler = new RedoScheduler(1, interruption.Token);
        var firstStarted = NewGate();
        var releaseFirst = NewGate();
        var secondRan = false;
        Exception? thrown = null;

        var first = scheduler.Schedule(async () =>
        {
            firstStarted.SetResult();
            await releaseFirst.Task;
        });
        await firstStarted.Task.WaitAsync(TestContext.Current.CancellationToken);
        var waiting = StartAndWaitUntilBlocked(() =>
        {
            try
            {
                scheduler.Schedule(() =>
                {
                    secondRan = true;
                    return Task.CompletedTask;
                });
            }
            catch (OperationCanceledException e)
            {
                thrown = e;
            }
        });
        await interruption.CancelAsync();
        waiting.Join();
        releaseFirst.SetResult();
        scheduler.CompleteAll();

        Assert.StartsWith("the run was interrupted (SIGINT or SIGTERM)", Assert.IsType<OperationCanceledException>(thrown).Message, StringComparison.Ordinal);
        Assert.True(first.IsCompletedSuccessfully, "the redo already running completes");
        Assert.False(secondRan);
    }

    [Fact]
    public void After_an_interruption_no_redo_is_scheduled_even_with_a_free_slot()
    {
        using var interruption = new CancellationTokenSource();
        using var scheduler = new RedoScheduler(2, interruption.Token);
        interruption.Cancel();
        var ran = false;

        // Schedule throws before it returns a task (it blocks its caller, as a start does).
        void Schedule() => _ = scheduler.Schedule(() =>
        {
            ran = true;
            return Task.CompletedTask;
        });

        Assert.Throws<OperationCanceledException>(Schedule);
        scheduler.CompleteAll();

        Assert.False(ran);
        Assert.Equal(0, scheduler.PendingCount);
    }
}
