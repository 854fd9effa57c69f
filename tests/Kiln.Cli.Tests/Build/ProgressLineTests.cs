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
}
