using Kiln.Store;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// Issue 13 item 3: a run is successful only when its root context is left normally (dlb: <c>__exit__</c> without
/// an exception). A root context left by an exception — the script's own or a failed start — is a failed run: no
/// duration, no summary, not among the "previous successful runs"; the redos it completed stay recorded.
/// </summary>
public sealed class RunOutcomeScenarioTests : IDisposable
{
    private readonly WorkingTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    private (Configuration Configuration, List<RunSummary> Completed) Recording(TimeProvider? time = null)
    {
        var completed = new List<RunSummary>();
        var configuration = new Configuration
        {
            Log = _tree.Configuration.Log,
            LatestRunSummaryMaxCount = 5,
            RunCompleted = completed.Add,
            Time = time ?? TimeProvider.System,
        };
        return (configuration, completed);
    }

    /// <summary>The successful runs before a new one (and whether <c>a.o</c> is then up to date).</summary>
    private (IReadOnlyList<RunSummary> Previous, bool Redone) NextRun(Configuration configuration)
    {
        using var context = _tree.Enter(configuration);
        var previous = context.SummaryOfLatestRuns(maxCount: 5);
        return (previous, new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }.Start().IsRedo);
    }

    [Fact]
    public void A_root_context_left_by_an_exception_is_a_failed_run_and_its_completed_redos_are_kept()
    {
        _tree.Write("src/a.cpp", "a");
        var (configuration, completed) = Recording();
        var e = Assert.Throws<InvalidOperationException>((Action)(() =>
        {
            using (_tree.Enter(configuration))
            {
                new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }.Start().Complete();
                throw new InvalidOperationException("the script gave up");
            }
        }));
        Assert.Equal("the script gave up", e.Message);
        Assert.Empty(completed);
        Assert.DoesNotContain("duration", _tree.TakeOutput(), StringComparison.Ordinal);

        var (previous, redone) = NextRun(configuration);
        Assert.Empty(previous);
        Assert.False(redone, "the redo completed before the exception is recorded");
        Assert.Single(completed);
    }

    [Fact]
    public void A_start_that_fails_and_leaves_the_root_context_is_a_failed_run()
    {
        var (configuration, completed) = Recording();
        Assert.Throws<DependencyException>(() =>
        {
            using (_tree.Enter(configuration))
                new ATool { SourceFile = "src/missing.cpp", ObjectFile = "a.o" }.Start();
        });
        Assert.Empty(completed);
        _tree.Write("src/a.cpp", "a");
        Assert.Empty(NextRun(configuration).Previous);
    }

    [Fact]
    public async Task An_async_flow_that_throws_inside_its_root_context_after_an_await_is_a_failed_run()
    {
        _tree.Write("src/a.cpp", "a");
        var (configuration, completed) = Recording();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            using (_tree.Enter(configuration))
            {
                await new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }.Start().CompleteAsync();
                await Task.Yield();
                throw new InvalidOperationException("gave up after an await");
            }
        });
        Assert.Equal("gave up after an await", e.Message);
        Assert.Empty(completed);
        var (previous, redone) = NextRun(configuration);
        Assert.Empty(previous);
        Assert.False(redone);
    }

    [Fact]
    public void An_exception_caught_inside_the_root_context_leaves_a_successful_run()
    {
        var (configuration, completed) = Recording();
        using (_tree.Enter(configuration))
        {
            try
            {
                throw new InvalidOperationException("handled by the script");
            }
            catch (InvalidOperationException)
            {
                // The script carries on: the run is not failed by it.
            }
        }
        Assert.Single(completed);
        _tree.Write("src/a.cpp", "a");
        Assert.Single(NextRun(configuration).Previous);
    }

    [Fact]
    public void A_root_context_entered_and_left_in_a_catch_block_is_a_successful_run()
    {
        var (configuration, completed) = Recording();
        try
        {
            throw new InvalidOperationException("before the run");
        }
        catch (InvalidOperationException)
        {
            using (_tree.Enter(configuration))
            {
            }
        }
        Assert.Single(completed);
    }

    [Fact]
    public void A_root_context_left_by_an_exception_in_a_catch_block_is_a_failed_run()
    {
        var (configuration, completed) = Recording();
        try
        {
            throw new InvalidOperationException("before the run");
        }
        catch (InvalidOperationException)
        {
            Assert.Throws<ArgumentException>((Action)(() =>
            {
                using (_tree.Enter(configuration))
                    throw new ArgumentException("in the run");
            }));
        }
        Assert.Empty(completed);
    }

    // The clock advances by 1 ms at every reading: a duration read twice differs.
    [Fact]
    public void The_duration_printed_and_reported_is_the_one_stored()
    {
        _tree.Write("src/a.cpp", "a");
        var (configuration, completed) = Recording(new TickingClock());
        using (_tree.Enter(configuration))
            new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }.Start();
        var printed = _tree.TakeOutput();
        var reported = Assert.Single(completed);

        var (previous, _) = NextRun(configuration);
        var stored = Assert.Single(previous);
        Assert.Equal(stored.DurationNs, reported.DurationNs);
        Assert.Contains($"duration: {Kiln.Diagnostics.DiagnosticLog.FormatTime(stored.DurationNs)} s", printed, StringComparison.Ordinal);
        Assert.Contains($"  {Kiln.Diagnostics.DiagnosticLog.FormatTime(stored.DurationNs)}  ", printed, StringComparison.Ordinal);
    }

    /// <summary>A monotonic clock that advances by one millisecond at each reading.</summary>
    private sealed class TickingClock : TimeProvider
    {
        private long _milliseconds;

        public override long TimestampFrequency => 1000;

        public override long GetTimestamp() => Interlocked.Increment(ref _milliseconds);
    }
}
