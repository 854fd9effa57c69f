using Kiln.Cli.Build;

namespace Kiln.Cli.Tests.Build;

public sealed class ProgressLineTests
{
    [Fact]
    public void The_progress_line_shows_finished_of_all_redos_found_necessary_and_is_empty_when_all_are_done()
    {
        // Two redos running or queued besides the one just started: [finished/total], not [finished/started].
        Assert.Equal("[1/4] CompileC(src/b.c)", BuildCommand.ProgressLine(new RedoProgress(Started: 2, Completed: 1, Tool: "CompileC(src/b.c)", Due: 4)));
        Assert.Equal("", BuildCommand.ProgressLine(new RedoProgress(Started: 4, Completed: 4, Tool: "LinkExecutable(build/app)", Due: 4)));
    }

    [Fact]
    public void With_the_previous_runs_instance_count_the_line_says_how_far_the_script_has_come()
    {
        var progress = new RedoProgress(Started: 1, Completed: 0, Tool: "CompileC a.c → a.o", Due: 3) { InstancesStarted = 450, PreviousInstanceCount = 1000 };

        Assert.Equal("[0/3] CompileC a.c → a.o (450 of ~1000 checked)", BuildCommand.ProgressLine(progress));
        // More instances than last time: no estimate rather than a wrong one.
        Assert.Equal("[0/3] CompileC a.c → a.o", BuildCommand.ProgressLine(progress with { InstancesStarted = 1001 }));
    }
}
