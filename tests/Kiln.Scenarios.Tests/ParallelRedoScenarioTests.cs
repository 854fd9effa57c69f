using Kiln.Tools;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// dlb-spec §11.1 case 23 (dlb's <c>test_ex_tool_redoresult.py</c>): how many redos of a context run at once,
/// shown by the order of the lines their redos log. The redos wait for each other through tasks, not sleeps.
/// </summary>
public sealed class ParallelRedoScenarioTests : IDisposable
{
    private readonly WorkingTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    private static async Task<bool> Create(ScriptedTool tool, RedoContext context)
    {
        context.Log.Inform($"create {tool.ObjectFile.AsString()}");
        await File.WriteAllTextAsync(context.NativePathOf(tool.ObjectFile), tool.ObjectFile.AsString());
        return false;
    }

    private List<string> RedoLines() =>
        [.. _tree.TakeOutput().Split('\n').Where(l => l.Contains("redoing right now", StringComparison.Ordinal) || l.StartsWith("I create ", StringComparison.Ordinal))];

    [Fact]
    public void With_one_redo_at_a_time_the_second_redo_starts_after_the_first_completed()
    {
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = ScriptedTool.Register(async (t, c) =>
        {
            c.Log.Inform("redoing right now for a.o");
            // Were the second redo running in parallel (the bug this test catches), it would log before "create a.o".
            await Task.WhenAny(secondStarted.Task, Task.Delay(TimeSpan.FromMilliseconds(200)));
            return await Create(t, c);
        });
        var b = ScriptedTool.Register(async (t, c) =>
        {
            c.Log.Inform("redoing right now for b.o");
            secondStarted.TrySetResult();
            return await Create(t, c);
        });
        using (_tree.Enter())
        {
            Assert.Equal(1, Context.Active.MaxParallelRedoCount);
            new ScriptedTool { Script = a, ObjectFile = "a.o" }.Start();
            new ScriptedTool { Script = b, ObjectFile = "b.o" }.Start();
        }
        Assert.Equal(["I redoing right now for a.o", "I create a.o", "I redoing right now for b.o", "I create b.o"], RedoLines());
    }

    [Fact]
    public void With_two_redos_at_a_time_the_second_redo_starts_before_the_first_completed()
    {
        // Seen in what the redos do, not in the log: each redo's messages are written together when it ends.
        var events = new System.Collections.Concurrent.ConcurrentQueue<string>();
        var secondStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var a = ScriptedTool.Register(async (t, c) =>
        {
            events.Enqueue("a started");
            // Bounded only so that a serialising engine fails this test instead of hanging it.
            await Task.WhenAny(secondStarted.Task, Task.Delay(TimeSpan.FromSeconds(20)));
            var result = await Create(t, c);
            events.Enqueue("a completed");
            return result;
        });
        var b = ScriptedTool.Register(async (t, c) =>
        {
            events.Enqueue("b started");
            secondStarted.TrySetResult();
            return await Create(t, c);
        });
        using (_tree.Enter(maxParallelRedoCount: 2))
        {
            Assert.Equal(2, Context.Active.MaxParallelRedoCount);
            new ScriptedTool { Script = a, ObjectFile = "a.o" }.Start();
            new ScriptedTool { Script = b, ObjectFile = "b.o" }.Start();
        }
        var order = events.ToList();
        Assert.Equal(3, order.Count);
        Assert.True(order.IndexOf("b started") < order.IndexOf("a completed"), string.Join("\n", order));
    }

    [Fact]
    public void An_inner_context_does_not_inherit_the_number_of_parallel_redos()
    {
        using (_tree.Enter(maxParallelRedoCount: 2))
        {
            using (var inner = new Context())
                Assert.Equal(1, inner.MaxParallelRedoCount);
            using (var inner = new Context(maxParallelRedoCount: 0))
                Assert.Equal(1, inner.MaxParallelRedoCount);
        }
    }

    [Fact]
    public void Whether_a_redo_is_complete_can_be_asked_without_waiting_and_the_context_exit_completes_it()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = ScriptedTool.Register(async (t, c) =>
        {
            await gate.Task;
            return await Create(t, c);
        });
        StartedRun<ScriptedTool> run;
        using (_tree.Enter())
        {
            run = new ScriptedTool { Script = script, ObjectFile = "a.o" }.Start();
            Assert.True(run.IsRedo);
            Assert.False(run.IsComplete);
            Assert.False(run.IsComplete);
            gate.SetResult();
        }
        Assert.True(run.IsComplete);
        Assert.Equal("a.o", _tree.Read("a.o"));
    }

    [Fact]
    public void Entering_an_inner_context_completes_the_pending_redos_of_the_outer_one()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var script = ScriptedTool.Register(async (t, c) =>
        {
            await gate.Task;
            return await Create(t, c);
        });
        using (_tree.Enter())
        {
            var run = new ScriptedTool { Script = script, ObjectFile = "a.o" }.Start();
            gate.SetResult();
            using (new Context())
                Assert.True(run.IsComplete);
        }
    }

    [Fact]
    public void The_failure_of_the_first_started_redo_is_rethrown_at_the_context_exit()
    {
        var secondFailed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var first = ScriptedTool.Register(async (t, c) =>
        {
            await Task.WhenAny(secondFailed.Task, Task.Delay(TimeSpan.FromSeconds(20)));
            throw new InvalidOperationException("first");
        });
        var second = ScriptedTool.Register((t, c) =>
        {
            secondFailed.SetResult();
            throw new InvalidOperationException("second");
        });
        StartedRun<ScriptedTool>? secondRun = null;
        var e = Assert.Throws<InvalidOperationException>(() =>
        {
            using (_tree.Enter(maxParallelRedoCount: 2))
            {
                new ScriptedTool { Script = first, ObjectFile = "a.o" }.Start();
                secondRun = new ScriptedTool { Script = second, ObjectFile = "b.o" }.Start();
            }
        });
        Assert.Equal("first", e.Message);
        Assert.Equal("second", Assert.Throws<InvalidOperationException>(() => secondRun!.Complete()).Message);
    }
}
