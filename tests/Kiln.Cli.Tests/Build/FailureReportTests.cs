using Kiln.Cli.Build;

namespace Kiln.Cli.Tests.Build;

public sealed class FailureReportTests
{
    [Fact]
    public void Every_redo_failure_is_reported_once_and_a_not_started_redo_not_beside_the_failure_that_stopped_it()
    {
        var first = new InvalidOperationException("first");
        var second = new InvalidOperationException("second");
        var notStarted = new InvalidOperationException("not started");
        Kiln.FailedRedo.MarkNotStarted(notStarted);
        var scriptError = new InvalidOperationException("script");

        Assert.Equal([first, second], BuildCommand.FailuresToReport(second, [first, second]));
        Assert.Equal([first], BuildCommand.FailuresToReport(notStarted, [first]));
        Assert.Equal([first, scriptError], BuildCommand.FailuresToReport(scriptError, [first]));
        Assert.Equal([notStarted], BuildCommand.FailuresToReport(notStarted, []));
    }
}
