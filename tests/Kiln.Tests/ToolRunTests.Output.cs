using Kiln.Scheduling;
using Kiln.Tests.Fakes;
using Kiln.Tools;

namespace Kiln.Tests;

/// <summary>What a run says (one block per redo, instances by name, a failed helper's output once, <c>--explain</c>)
/// and what it does after a failure (stop, or keep going), on the fakes.</summary>
public sealed partial class ToolRunTests
{
    private static FakeCompile CompileOf(string name) => new() { SourceFile = $"src/{name}.c", ObjectFile = $"{name}.o" };

    /// <summary>Scripts the compile of <c>src/<paramref name="name"/>.c</c> to fail with <paramref name="stderr"/> (before the working compiler).</summary>
    private ToolRunTests FailingCompileOf(string name, string stderr)
    {
        _tree.Write($"src/{name}.c", name);
        _tree.ProcessRunner.On(start => start.Arguments.Count > 1 && start.Arguments[1] == $"./src/{name}.c", _ => new ProcessResult(1, "", stderr), first: true);
        return this;
    }

    /// <summary>Compiles of <c>src/w*.c</c> warn; the one of <c>w1</c> ends only once the one of <c>w2</c> has run, so
    /// that w2's redo starts and ends within w1's.</summary>
    private ToolRunTests WarningCompiles()
    {
        var w2Ran = new ManualResetEventSlim();
        _tree.ProcessRunner.On(start => start.Arguments.Count > 1 && start.Arguments[1].StartsWith("./src/w", StringComparison.Ordinal), start =>
        {
            var cwd = start.WorkingDirectory;
            if (start.Arguments[1] == "./src/w1.c")
                Assert.True(w2Ran.Wait(TimeSpan.FromSeconds(10)), "the redo of w2 did not run beside the one of w1");
            _tree.FileSystem.AddFile(Path.GetFullPath(Path.Combine(cwd, start.Arguments[3])), "o");
            _tree.FileSystem.AddFile(Path.GetFullPath(Path.Combine(cwd, start.Arguments[5])), "");
            if (start.Arguments[1] == "./src/w2.c")
                w2Ran.Set();
            return new ProcessResult(0, "", $"{start.Arguments[1]}: warning: w\n");
        }, first: true);
        return this;
    }

    [Fact]
    public void A_redo_says_its_reason_its_start_by_name_and_its_helper_output_together_while_another_redo_runs()
    {
        WarningCompiles();
        _tree.Write("src/w1.c", "1");
        _tree.Write("src/w2.c", "2");
        using (_tree.Enter(maxParallelRedoCount: 2, configure: c => c.HelperInheritsOutputByDefault = true))
        {
            CompileOf("w1").Start();
            CompileOf("w2").Start();
        }

        // Without blocks: w1's reason and start, w2's reason and start, then both warnings.
        var lines = _tree.Output.ToString().Split('\n');
        foreach (var name in (string[])["w1", "w2"])
        {
            var reason = Array.FindIndex(lines, l => l.Contains($"'{name}.o'", StringComparison.Ordinal) && l.Contains("redo necessary", StringComparison.Ordinal));
            Assert.True(reason >= 0, _tree.Output.ToString());
            Assert.StartsWith("  | reason: does not exist", lines[reason + 1], StringComparison.Ordinal);
            Assert.StartsWith($"I start redo for FakeCompile src/{name}.c → {name}.o", lines[reason + 2], StringComparison.Ordinal);
            Assert.Equal($"./src/{name}.c: warning: w", lines[reason + 3]);
        }
    }

    private HelperExecutionException FailedRunOf(string name) => Assert.Throws<HelperExecutionException>(() =>
    {
        using var context = _tree.Enter(configure: c => c.HelperInheritsOutputByDefault = true);
        CompileOf(name).Start();
    });

    [Fact]
    public void A_failed_helpers_short_output_is_shown_once_in_the_error()
    {
        FailingCompileOf("short", "short.c:1: error: e1");

        var e = FailedRunOf("short");

        Assert.Contains("short.c:1: error: e1", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("short.c:1: error: e1", _tree.Output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_helpers_long_output_is_written_in_full_and_its_last_lines_are_in_the_error()
    {
        FailingCompileOf("long", string.Join('\n', Enumerable.Range(1, 30).Select(i => $"long.c:{i}: error: e{i}")));

        var e = FailedRunOf("long");

        Assert.Contains("long.c:30: error: e30", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("long.c:1: error: e1\n", e.Message, StringComparison.Ordinal);
        Assert.Contains("long.c:1: error: e1\n", _tree.Output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_failed_redo_no_further_redo_is_started_and_the_context_reports_the_one_that_failed()
    {
        FailingCompileOf("bad", "bad.c:1: error: e");
        _tree.Write("src/b.c", "b1");
        var failures = new List<Exception>();

        var e = Assert.Throws<HelperExecutionException>(() =>
        {
            using var context = _tree.Enter(configure: c => c.RedoFailed = failures.Add);
            CompileOf("bad").Start();
            var later = CompileOf("b").Start();
            var notStarted = Assert.Throws<RedoException>(() => later.Result);
            Assert.StartsWith("redo not started: another redo of the run failed", notStarted.Message, StringComparison.Ordinal);
        });

        Assert.Same(e, Assert.Single(failures));
        Assert.DoesNotContain(_tree.ProcessRunner.Starts, s => s.Arguments[1] == "./src/b.c");
        Assert.False(_tree.FileSystem.Exists(FakeWorkingTree.Root + "b.o"));
    }

    [Fact]
    public void With_keep_going_later_redos_run_after_a_failure_and_every_failure_is_reported()
    {
        FailingCompileOf("bad1", "bad1.c:1: error: e");
        FailingCompileOf("bad2", "bad2.c:1: error: e");
        _tree.Write("src/b.c", "b1");
        var failures = new List<Exception>();

        Assert.Throws<HelperExecutionException>(() =>
        {
            using var context = _tree.Enter(configure: c => { c.KeepGoing = true; c.RedoFailed = failures.Add; });
            CompileOf("bad1").Start();
            CompileOf("b").Start();
            CompileOf("bad2").Start();
        });

        Assert.Equal(["bad1.c:1: error: e", "bad2.c:1: error: e"], failures.Select(f => f.Message.Split('\n')[^1].TrimStart(' ', '|')));
        Assert.Equal("-O0:b1", _tree.Read("b.o"));
    }

    [Fact]
    public void Explain_says_of_every_instance_not_redone_what_its_decision_checked()
    {
        Run(Compile());
        _tree.Output.GetStringBuilder().Clear();

        using (_tree.Enter(configure: c => c.ExplainUpToDate = true))
            Compile().Start();

        Assert.Contains("I redo not necessary for FakeCompile src/a.c → a.o \n  | reason: 2 input(s) and 1 output(s) as at its last redo", _tree.Output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Without_explain_an_instance_not_redone_says_nothing()
    {
        Run(Compile());
        _tree.Output.GetStringBuilder().Clear();

        Run(Compile());

        Assert.DoesNotContain("redo not necessary", _tree.Output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_configured_parallel_redo_limit_overrides_the_root_contexts_own_and_not_an_inner_ones()
    {
        using var root = _tree.Enter(maxParallelRedoCount: 8, configure: c => c.ParallelRedoLimit = 3);
        Assert.Equal(3, root.MaxParallelRedoCount);
        using var inner = new Context(maxParallelRedoCount: 2);
        Assert.Equal(2, inner.MaxParallelRedoCount);
    }

    [Fact]
    public void A_parallel_redo_limit_below_one_is_refused()
    {
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => new Configuration { ParallelRedoLimit = 0 });
        Assert.Contains("at least 1", e.Message, StringComparison.Ordinal);
    }
}
