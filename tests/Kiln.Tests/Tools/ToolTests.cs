using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Tests.Tools;

/// <summary>The tool base class: description, result copies, typed redo.</summary>
public sealed class ToolTests
{
    [Fact]
    public void ToString_describes_the_instance()
    {
        Assert.Equal("Touch(Target='a.stamp')", new Touch { Target = "a.stamp" }.ToString());
    }

    [Fact]
    public void A_result_copy_is_another_instance_with_the_same_values()
    {
        var tool = new Touch { Target = "a.stamp" };

        var result = (Touch)tool.CopyForResult();
        result.Touched = ["x"];

        Assert.NotSame(tool, result);
        Assert.Equal(tool.Target, result.Target);
        Assert.Null(tool.Touched);
    }

    [Fact]
    public async Task The_redo_receives_the_typed_result_and_its_return_value_is_passed_on()
    {
        var tool = new Touch { Target = "a.stamp" };
        var result = (Touch)tool.CopyForResult();

        var requested = await tool.InvokeRedoAsync(result, null!);

        Assert.True(requested);
        Assert.Equal([TreePath.Parse("a.stamp")], result.Touched);
        Assert.Null(tool.Touched);
    }

    private sealed class Touch : Tool<Touch>
    {
        [Output.RegularFile] public TreePath? Target { get; init; }
        [Output.RegularFile(Explicit = false, Required = false)] public IReadOnlyList<TreePath>? Touched { get; set; }

        protected override Task<bool> RedoAsync(Touch result, RedoContext context)
        {
            result.Touched = [Target!];
            return Task.FromResult(true);
        }
    }
}
