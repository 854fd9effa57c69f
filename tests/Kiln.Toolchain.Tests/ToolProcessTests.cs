namespace Kiln.Toolchain.Tests;

public sealed class ToolProcessTests
{
    [Fact]
    public void Exit_code_and_both_streams_are_captured()
    {
        var r = ToolProcess.Run("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"]);
        Assert.Equal(3, r.ExitCode);
        Assert.Equal("out\n", r.StandardOutput);
        Assert.Equal("err\n", r.StandardError);
        Assert.Equal("out\nerr\n", r.CombinedOutput);
    }

    [Fact]
    public async Task The_asynchronous_form_gives_the_same_result()
    {
        var r = await ToolProcess.RunAsync("/bin/sh", ["-c", "echo hi"], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("hi\n", r.StandardOutput);
    }

    [Fact]
    public void A_missing_executable_raises_a_toolchain_error()
    {
        var e = Assert.Throws<ToolchainException>(() => ToolProcess.Run("/nonexistent/cc", []));
        Assert.Contains("/nonexistent/cc", e.Message, StringComparison.Ordinal);
    }
}
