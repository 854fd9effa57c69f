using System.Diagnostics;
using Kiln.Scheduling;
using Kiln.WorkingTree;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// dlb-spec §11.1 cases 1–7 (dlb's <c>test_ex_context.py</c>): entering and leaving a root context on a real
/// working tree. Kiln's management tree is <c>.kiln/</c> (dlb: <c>.dlbroot/</c>) and its run-database
/// <c>runs-2.sqlite</c> (dlb: <c>runs-0.5.sqlite</c>). Case 25 (dlb's launcher, <c>test_launcher.py</c>) belongs
/// to the <c>kiln</c> command and is not ported here.
/// </summary>
public sealed class ContextScenarioTests : IDisposable
{
    private readonly WorkingTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    // Case 1.
    [Fact]
    public void A_directory_without_a_management_tree_is_no_working_tree()
    {
        Directory.Delete(_tree.PathOf(".kiln"));
        var e = Assert.Throws<NoWorkingTreeException>(() => _tree.Enter());
        Assert.Contains("'.kiln'", e.Message);
        Assert.Contains("working tree", e.Message);
        Assert.False(Context.IsRunning);
    }

    // Case 1.
    [Fact]
    public void A_management_tree_that_is_a_file_is_no_working_tree()
    {
        Directory.Delete(_tree.PathOf(".kiln"));
        _tree.Write(".kiln", "");
        var e = Assert.Throws<NoWorkingTreeException>(() => _tree.Enter());
        Assert.Equal(
            $"current directory is no working tree: {_tree.QuotedRoot}\n" +
            "  | reason: does not contain a directory '.kiln' (that is not a symbolic link)\n" +
            "  | create it with 'kiln init' or 'mkdir .kiln'",
            e.Message);
    }

    // Case 1.
    [Fact]
    public void A_management_tree_that_is_a_symbolic_link_to_a_directory_is_no_working_tree()
    {
        Directory.Delete(_tree.PathOf(".kiln"));
        Directory.CreateDirectory(_tree.PathOf("elsewhere"));
        File.CreateSymbolicLink(_tree.PathOf(".kiln"), "elsewhere");
        var e = Assert.Throws<NoWorkingTreeException>(() => _tree.Enter());
        Assert.Contains("'.kiln'", e.Message);
        Assert.Contains("working tree", e.Message);
    }

    // Case 2. dlb's `.dlbroot/O` (a leftover of its probe) has no counterpart in Kiln.
    [Fact]
    public void Entering_repairs_the_management_tree()
    {
        _tree.Write(".kiln/t/left/over", "x");
        Directory.CreateDirectory(_tree.PathOf(".kiln/o/sub"));
        Directory.CreateDirectory(_tree.PathOf(".kiln/runs-2.sqlite"));
        using (_tree.Enter())
        {
            Assert.True(File.Exists(_tree.PathOf(".kiln/o")));
            Assert.True(Directory.Exists(_tree.PathOf(".kiln/t")));
            Assert.Empty(Directory.EnumerateFileSystemEntries(_tree.PathOf(".kiln/t")));
        }
        Assert.True(File.Exists(_tree.PathOf(".kiln/runs-2.sqlite")));
    }

    // Case 3, with a child process holding the kernel lock (dlb: `mkdir .dlbroot/lock`; Kiln uses flock, so a
    // lock is held only while its holder lives and the message says whom to wait for instead of what to remove).
    // `flock -o`: only the flock process holds the lock, not the command it runs.
    [Fact]
    public void A_working_tree_locked_by_another_process_cannot_be_entered_until_that_process_ends()
    {
        var lockPath = _tree.PathOf(".kiln/lock");
        var start = new ProcessStartInfo("sh") { RedirectStandardOutput = true };
        foreach (var a in new[] { "-c", "echo $$ > \"$1\" && exec flock -o \"$1\" sh -c 'echo locked; exec sleep 60'", "sh", lockPath })
            start.ArgumentList.Add(a);
        using var holder = Process.Start(start)!;
        try
        {
            Assert.Equal("locked", holder.StandardOutput.ReadLine());
            var e = Assert.Throws<ManagementTreeException>(() => _tree.Enter());
            Assert.Equal(
                $"cannot acquire lock for exclusive access to working tree {_tree.QuotedRoot}\n" +
                $"  | reason: '{lockPath}' is locked by another kiln process (pid {holder.Id})\n" +
                "  | wait for it to finish: the lock is released when that process ends, even if it is killed",
                e.Message);
        }
        finally
        {
            holder.Kill(entireProcessTree: true);
            holder.WaitForExit();
        }
        using (_tree.Enter())
            Assert.True(Context.Active.IsRoot);
    }

    // Case 3, with the second root context in this process (contexts are per async flow, so a flow that does
    // not inherit the first one's starts a root context of its own).
    [Fact]
    public async Task A_second_root_context_on_the_same_working_tree_fails_while_the_first_is_active()
    {
        using (_tree.Enter())
        {
            Task<Exception?> other;
            using (ExecutionContext.SuppressFlow())
                other = Task.Run(() => Record.Exception(() => _tree.Enter().Dispose()));
            var e = Assert.IsType<ManagementTreeException>(await other);
            Assert.Equal(
                $"cannot acquire lock for exclusive access to working tree {_tree.QuotedRoot}\n" +
                $"  | reason: '{_tree.PathOf(".kiln/lock")}' is locked by another kiln process (pid {Environment.ProcessId})\n" +
                "  | wait for it to finish: the lock is released when that process ends, even if it is killed",
                e.Message);
        }
    }

    // Case 3: what a crashed run leaves behind does not block.
    [Fact]
    public void A_lock_file_left_behind_does_not_block()
    {
        _tree.Write(".kiln/lock", "999999\n");
        using (_tree.Enter())
            Assert.True(Context.Active.IsRoot);
    }

    // Case 3: dlb's lock directory (from a dlb-style crash) is not a lock for Kiln.
    [Fact]
    public void A_lock_directory_left_behind_does_not_block()
    {
        Directory.CreateDirectory(_tree.PathOf(".kiln/lock"));
        using (_tree.Enter())
            Assert.True(Context.Active.IsRoot);
    }

    // Case 4. Kiln names the file on the first line (dlb: "could not setup run-database\n").
    [Fact]
    public void A_corrupt_run_database_fails_the_entry_and_leaves_the_tree_unlocked()
    {
        _tree.Write(".kiln/runs-2.sqlite", "123");
        var e = Assert.Throws<ManagementTreeException>(() => _tree.Enter());
        Assert.StartsWith($"could not setup run-database '{_tree.PathOf(".kiln/runs-2.sqlite")}'\n  | reason: ", e.Message);
        Assert.Contains("file is not a database", e.Message);
        Assert.Contains("database corruption", e.Message);
        Assert.False(Context.IsRunning);

        File.Delete(_tree.PathOf(".kiln/runs-2.sqlite"));
        using (_tree.Enter())
            Assert.True(Context.Active.IsRoot);
    }

    // Case 5.
    [Fact]
    public void Leaving_a_root_context_waits_until_the_working_tree_time_has_advanced()
    {
        for (var i = 0; i < 10; i++)
        {
            long end, next;
            using (var context = _tree.Enter())
                end = context.WorkingTreeTimeNs;
            using (var context = _tree.Enter())
                next = context.WorkingTreeTimeNs;
            Assert.NotEqual(end, next);
        }
    }

    // Case 6, on a file system whose working-tree time never advances and a clock that advances 1 s per reading.
    [Fact]
    public void Leaving_fails_when_the_working_tree_time_does_not_advance()
    {
        var configuration = new Configuration { Log = _tree.Configuration.Log, Time = new SteppingClock() };
        var context = new Context(1, configuration, _tree.Root, new FrozenProbeFileSystem(), SystemProcessRunner.Instance);
        var e = Assert.Throws<ManagementTreeException>(context.Dispose);
        Assert.StartsWith(
            $"failed to cleanup management tree for {_tree.QuotedRoot}\n" +
            "  | reason: working tree time did not change for at least 10 s of system time\n",
            e.Message);
        Assert.False(Context.IsRunning);
        using (_tree.Enter())
            Assert.True(Context.Active.IsRoot);
    }

    // Case 7, with a fake clock instead of sleeping. dlb's TypeError for a non-timedelta age has no C# counterpart.
    [Fact]
    public void Runs_older_than_the_maximum_dependency_age_are_forgotten()
    {
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var configuration = new Configuration { Log = _tree.Configuration.Log, Time = clock, MaxDependencyAge = TimeSpan.FromDays(1001) };
        var counts = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            using (var context = _tree.Enter(configuration))
                counts.Add(context.SummaryOfLatestRuns(maxCount: 3).Count);
            clock.Now += TimeSpan.FromSeconds(1);
        }
        configuration.MaxDependencyAge = TimeSpan.FromTicks(10);
        using (var context = _tree.Enter(configuration))
            counts.Add(context.SummaryOfLatestRuns(maxCount: 3).Count);
        Assert.Equal([0, 1, 2, 0], counts);

        var e = Assert.Throws<ArgumentOutOfRangeException>(() => configuration.MaxDependencyAge = TimeSpan.Zero);
        Assert.StartsWith("'MaxDependencyAge' must be positive", e.Message);
    }

    // dlb: ContextNestingError.
    [Fact]
    public void Contexts_must_be_exited_innermost_first()
    {
        var outer = _tree.Enter();
        var inner = new Context();
        var e = Assert.Throws<ContextException>(outer.Dispose);
        Assert.Equal("contexts exited out of order\n  | dispose the innermost context first (use nested 'using' blocks)", e.Message);
        Assert.Same(inner, Context.Active);
        inner.Dispose();
        outer.Dispose();
        Assert.False(Context.IsRunning);
    }

    // dlb raises RuntimeError when a redo enters a context or modifies the active one. In Kiln a redo runs in the
    // async flow of its start, where the starting context is active, so without a check both would wait for
    // the redo's own completion forever.
    [Fact]
    public void A_redo_cannot_enter_a_context()
    {
        var script = ScriptedTool.Register(async (t, c) =>
        {
            await File.WriteAllTextAsync(c.NativePathOf(t.ObjectFile), "o");
            await Task.Run(() => new Context().Dispose()).WaitAsync(TimeSpan.FromSeconds(20));
            return false;
        });
        var e = Assert.Throws<ContextException>(() =>
        {
            using (_tree.Enter())
                new ScriptedTool { Script = script, ObjectFile = "a.o" }.Start();
        });
        Assert.StartsWith("a context cannot be entered in a redo\n", e.Message);
    }

    [Fact]
    public void A_redo_cannot_modify_the_environment_of_its_context()
    {
        var script = ScriptedTool.Register(async (t, c) =>
        {
            await File.WriteAllTextAsync(c.NativePathOf(t.ObjectFile), "o");
            await Task.Run(() => Context.Active.Env.ImportFromOuter("KILN_SCENARIO_X", ".*", "")).WaitAsync(TimeSpan.FromSeconds(20));
            return false;
        });
        var e = Assert.Throws<ContextException>(() =>
        {
            using (_tree.Enter())
                new ScriptedTool { Script = script, ObjectFile = "a.o" }.Start();
        });
        Assert.StartsWith("the active context cannot be modified in a redo\n", e.Message);
    }

    // As dlb, where start() inside a redo cannot run the already running event loop. With one redo at a time
    // the inner start would wait forever for the slot its own redo holds.
    [Fact]
    public void A_redo_cannot_start_a_tool_instance()
    {
        var script = ScriptedTool.Register(async (t, c) =>
        {
            await File.WriteAllTextAsync(c.NativePathOf(t.ObjectFile), "o");
            await Task.Run(() => new BTool().Start()).WaitAsync(TimeSpan.FromSeconds(20));
            return false;
        });
        var e = Assert.Throws<ContextException>(() =>
        {
            using (_tree.Enter())
                new ScriptedTool { Script = script, ObjectFile = "a.o" }.Start();
        });
        Assert.StartsWith("a tool instance cannot be started in a redo\n", e.Message);
    }

    [Fact]
    public void A_redo_cannot_wait_for_the_pending_redos_of_its_context()
    {
        var script = ScriptedTool.Register(async (t, c) =>
        {
            await File.WriteAllTextAsync(c.NativePathOf(t.ObjectFile), "o");
            await Task.Run(() => Context.Active.CompletePendingRedos()).WaitAsync(TimeSpan.FromSeconds(20));
            return false;
        });
        var e = Assert.Throws<ContextException>(() =>
        {
            using (_tree.Enter())
                new ScriptedTool { Script = script, ObjectFile = "a.o" }.Start();
        });
        Assert.Equal(
            "pending redos cannot be completed in a redo\n" +
            "  | a redo sees its context read-only: enter contexts, start tool instances and set the environment in the build script",
            e.Message);
    }

    // dlb's latest_run_summary_max_count (spec §7): previous successful runs and this one (marked '*').
    [Fact]
    public void A_successful_root_context_prints_a_summary_of_the_latest_runs()
    {
        _tree.Write("src/a.cpp", "a");
        var clock = new ManualClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var configuration = new Configuration { Log = _tree.Configuration.Log, Time = clock, LatestRunSummaryMaxCount = 2 };
        var output = "";
        for (var i = 0; i < 3; i++)
        {
            using (_tree.Enter(configuration))
                new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }.Start();
            output = _tree.TakeOutput();
            if (i == 0)
                AssertMatches(@"\nI duration: \d+\.\d{6} s \n  \| start  +seconds  +runs  +redos \n  \| 2026-01-01T00:00:00\.000000Z\*  +\d+\.\d{6}  +1  +1 +\(100\.0%\)\n$", output);
            clock.Now += TimeSpan.FromSeconds(1);
        }
        AssertMatches(
            @"^I duration compared to mean duration of previous 2 successful runs: \d+\.\d% of \d+\.\d{6} seconds \n" +
            @"  \| start  +seconds  +runs  +redos \n" +
            @"  \| 2026-01-01T00:00:00\.000000Z  +\d+\.\d{6}  +1  +1 +\(100\.0%\) \n" +
            @"  \| 2026-01-01T00:00:01\.000000Z  +\d+\.\d{6}  +1  +0 +\(0\.0%\) \n" +
            @"  \| 2026-01-01T00:00:02\.000000Z\*  +\d+\.\d{6}  +1  +0 +\(0\.0%\)\n$",
            output);
    }

    // Issue 13 item 5: dlb's _show_summary divides the sum of the previous k durations by k + 1 (dlb-spec §7); Kiln's
    // mean is sum / k (docs/dlb-mapping.md). Runs of 2 s and 4 s, then one of 3 s: 100 % of 3 s (dlb: 150 % of 2 s).
    [Fact]
    public void The_run_summary_compares_with_the_mean_of_the_previous_runs_not_with_dlbs_sum_over_one_more()
    {
        _tree.Write("src/a.cpp", "a");
        var clock = new SettableClock(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var configuration = new Configuration { Log = _tree.Configuration.Log, Time = clock, LatestRunSummaryMaxCount = 2 };
        foreach (var seconds in new[] { 2, 4, 3 })
        {
            _tree.TakeOutput();
            using (_tree.Enter(configuration))
            {
                new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }.Start();
                clock.Seconds += seconds;
            }
            clock.Now += TimeSpan.FromSeconds(10);
        }
        Assert.Contains("I duration compared to mean duration of previous 2 successful runs: 100.0% of 3.000000 seconds \n", _tree.TakeOutput(), StringComparison.Ordinal);
    }

    private static void AssertMatches(string pattern, string text) =>
        Assert.True(System.Text.RegularExpressions.Regex.IsMatch(text, pattern), $"pattern:\n{pattern}\ntext:\n{text}");

    /// <summary>A clock whose wall time is set by the test.</summary>
    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }

    /// <summary>A clock whose wall time and monotonic time (in seconds) are set by the test.</summary>
    private sealed class SettableClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public long Seconds { get; set; }

        public override DateTimeOffset GetUtcNow() => Now;

        public override long TimestampFrequency => 1;

        public override long GetTimestamp() => Seconds;
    }

    /// <summary>A clock whose monotonic time advances by one second per reading.</summary>
    private sealed class SteppingClock : TimeProvider
    {
        private long _seconds;

        public override long TimestampFrequency => 1;

        public override long GetTimestamp() => Interlocked.Increment(ref _seconds);
    }

    /// <summary>The real file system, except that the working-tree time never advances.</summary>
    private sealed class FrozenProbeFileSystem : RealFileSystemDecorator
    {
        public override long TouchProbe(string path)
        {
            Real.TouchProbe(path);
            return 42;
        }
    }
}
