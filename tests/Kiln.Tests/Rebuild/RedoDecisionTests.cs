using Kiln.Rebuild;

namespace Kiln.Tests.Rebuild;

/// <summary>The redo decision is a value with a reason, never a bare bool.</summary>
public sealed class RedoDecisionTests
{
    [Fact]
    public void Up_to_date_needs_no_redo_and_has_no_reason()
    {
        Assert.False(RedoDecision.UpToDate.IsNeeded);
        Assert.Null(RedoDecision.UpToDate.Reason);
        Assert.Equal("up to date", RedoDecision.UpToDate.ToString());
    }

    [Fact]
    public void Needed_carries_its_reason()
    {
        var reason = new RedoReason("redo necessary because not run before");

        var decision = RedoDecision.Needed(reason);

        Assert.True(decision.IsNeeded);
        Assert.Same(reason, decision.Reason);
        Assert.Equal("redo necessary because not run before", decision.ToString());
        Assert.Equal(RedoDecision.Needed(reason), decision);
        Assert.NotEqual(RedoDecision.UpToDate, decision);
    }
}
