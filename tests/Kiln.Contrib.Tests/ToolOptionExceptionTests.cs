using Kiln.Diagnostics;

namespace Kiln.Contrib.Tests;

public sealed class ToolOptionExceptionTests
{
    [Fact]
    public void The_message_names_option_tool_value_and_reason_in_dlb_shape()
    {
        var e = new ToolOptionException(typeof(CompileC), "Standard", "c 99", "must be a name");
        Assert.Equal("invalid value for option 'Standard' of CompileC: 'c 99'\n  | reason: must be a name", e.Message);
        Assert.Equal("Standard", e.Option);
        Assert.IsAssignableFrom<KilnException>(e);
    }
}
