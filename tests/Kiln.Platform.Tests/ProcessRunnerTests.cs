using Kiln.Platform.Processes;

namespace Kiln.Platform.Tests;

public sealed class ProcessRunnerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Captures_both_streams_and_the_exit_status()
    {
        var outcome = await ProcessRunner.RunAsync(new ProcessRequest("/bin/sh", ["-c", "echo out; echo err >&2; exit 3"]), Token);

        Assert.Equal(new ProcessOutcome(3, "out\n", "err\n"), outcome);
    }

    [Fact]
    public async Task The_C_locale_sets_LC_ALL_and_the_given_locale_leaves_the_environment_exactly_as_given()
    {
        var environment = new Dictionary<string, string> { ["LC_ALL"] = "de_DE.UTF-8", ["ONLY"] = "this" };
        var script = new[] { "-c", "echo \"$LC_ALL ${ONLY:-none} ${HOME:-nohome}\"" };

        var asGiven = await ProcessRunner.RunAsync(new ProcessRequest("/bin/sh", script) { Environment = environment }, Token);
        var c = await ProcessRunner.RunAsync(new ProcessRequest("/bin/sh", script) { Environment = environment, Locale = ProcessLocale.C }, Token);

        Assert.Equal("de_DE.UTF-8 this nohome\n", asGiven.StandardOutput);
        Assert.Equal("C this nohome\n", c.StandardOutput);
    }

    [Fact]
    public void Standard_input_is_fed_and_closed_and_the_working_directory_applies()
    {
        var outcome = ProcessRunner.Run(new ProcessRequest("/bin/sh", ["-c", "cat; pwd"]) { StandardInput = "in\n", WorkingDirectory = "/" });

        Assert.Equal("in\n/\n", outcome.StandardOutput);
    }

    [Fact]
    public async Task An_uncaptured_stream_is_dropped()
    {
        var outcome = await ProcessRunner.RunAsync(
            new ProcessRequest("/bin/sh", ["-c", "echo out; echo err >&2"]) { CaptureStandardOutput = false }, Token);

        Assert.Equal(new ProcessOutcome(0, "", "err\n"), outcome);
    }

    [Fact]
    public async Task An_inherited_stream_is_left_to_the_process_and_the_captured_one_still_read()
    {
        // Before: .NET refused the UTF-8 encoding set for a stream that was not redirected, so no helper that inherits
        // kiln's standard output could start.
        var outcome = await ProcessRunner.RunAsync(
            new ProcessRequest("/bin/sh", ["-c", "echo err >&2; exit 4"]) { CaptureStandardOutput = false, InheritUncaptured = true }, Token);

        Assert.Equal(new ProcessOutcome(4, "", "err\n"), outcome);
    }

    [Fact]
    public async Task Cancelling_kills_the_process_tree()
    {
        using var dir = new TemporaryDirectory();
        var pidFile = dir.File("pid");
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var run = ProcessRunner.RunAsync(new ProcessRequest("/bin/sh", ["-c", $"sleep 60 & echo $! > {pidFile}; wait"]), cancel.Token);
        while (!File.Exists(pidFile) || File.ReadAllText(pidFile).Length == 0)
            await Task.Delay(10, Token);

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        await Task.Delay(100, Token);
        Assert.False(Directory.Exists($"/proc/{child}") && !File.ReadAllText($"/proc/{child}/stat").Contains(") Z ", StringComparison.Ordinal),
            "the grandchild sleep still runs");
    }

    [Fact]
    public async Task A_missing_executable_cannot_be_started()
    {
        await Assert.ThrowsAsync<System.ComponentModel.Win32Exception>(
            () => ProcessRunner.RunAsync(new ProcessRequest("/nonexistent/tool", []), Token));
    }
}
