using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Tests;

public sealed class ToolLabelTests
{
    private sealed class Gather : Tool<Gather>
    {
        [Input.RegularFile] public required IReadOnlyList<TreePath> Parts { get; init; }
        [Output.RegularFile] public required TreePath Whole { get; init; }
        protected override Task<bool> RedoAsync(Gather result, RedoContext context) => Task.FromResult(false);
    }

    private sealed class Stamp : Tool<Stamp>
    {
        [Output.RegularFile] public required TreePath Out { get; init; }
        protected override Task<bool> RedoAsync(Stamp result, RedoContext context) => Task.FromResult(false);
    }

    private static string Label<T>(T tool) where T : Tool<T> => ToolLabel.Of(ToolDescriptor.For(typeof(T)), tool);

    [Fact]
    public void A_label_names_the_class_the_first_input_and_the_output()
    {
        Assert.Equal("Gather a.c → build/a.o", Label(new Gather { Parts = ["a.c"], Whole = "build/a.o" }));
    }

    [Fact]
    public void A_role_with_many_paths_shows_the_first_and_how_many_more()
    {
        Assert.Equal("Gather a.o (+2 more) → app", Label(new Gather { Parts = ["a.o", "b.o", "c.o"], Whole = "app" }));
    }

    [Fact]
    public void A_tool_without_inputs_shows_only_its_output()
    {
        Assert.Equal("Stamp → stamp.txt", Label(new Stamp { Out = "stamp.txt" }));
    }

    [Fact]
    public void A_path_with_a_blank_or_a_trailing_dot_is_quoted_so_that_the_label_is_a_valid_message()
    {
        Assert.Equal("Gather 'my file.c' → 'out.'", Label(new Gather { Parts = ["my file.c"], Whole = "out." }));
        Assert.True(new Kiln.Diagnostics.DiagnosticLog(TextWriter.Null).Inform("start redo for " + Label(new Gather { Parts = ["a.c"], Whole = "out." })));
    }
}
