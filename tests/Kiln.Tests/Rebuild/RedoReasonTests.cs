using Kiln.Paths;
using Kiln.Rebuild;

namespace Kiln.Tests.Rebuild;

/// <summary>How a redo reason is shown.</summary>
public sealed class RedoReasonTests
{
    [Fact]
    public void A_reason_of_an_object_names_the_path_and_has_the_detail()
    {
        var reason = RedoReason.OfObject(TreePath.Parse("a.o"), "does not exist");

        Assert.Equal("redo necessary because of filesystem object: 'a.o'", reason.Summary);
        Assert.Equal("does not exist", reason.Detail);
        Assert.False(reason.IsSuspicious);
    }

    [Fact]
    public void The_message_puts_the_detail_on_a_reason_line()
    {
        Assert.Equal(
            "redo necessary because of filesystem object: 'a.o'\n  | reason: does not exist",
            RedoReason.OfObject(TreePath.Parse("a.o"), "does not exist").ToMessage());
        Assert.Equal("redo requested by start()", new RedoReason("redo requested by start()").ToMessage());
    }

    [Fact]
    public void ToString_is_one_line()
    {
        Assert.Equal(
            "redo necessary because of filesystem object: 'a.o' (reason: does not exist)",
            RedoReason.OfObject(TreePath.Parse("a.o"), "does not exist").ToString());
        Assert.Equal("redo requested by start()", new RedoReason("redo requested by start()").ToString());
    }
}
