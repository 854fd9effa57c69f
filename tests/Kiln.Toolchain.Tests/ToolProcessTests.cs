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

    [Theory]
    [InlineData("kill -9 $$", 137)]
    [InlineData("kill -15 $$", 143)]
    [InlineData("sh -c 'kill -9 $$'", 137)]
    [InlineData("exit 137", 137)]
    public async Task A_process_ended_by_signal_N_reports_exit_status_128_plus_N_like_a_shell_does(string script, int expected)
    {
        // .NET's Process.ExitCode is 128 + N for a direct child killed by signal N, the status a shell reports for its
        // child's signal death, and the same as exit(128 + N): Kiln.Jit's CompilerInterruption relies on exactly this.
        var r = await ToolProcess.RunAsync("/bin/sh", ["-c", script], cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(expected, r.ExitCode);
    }
}
