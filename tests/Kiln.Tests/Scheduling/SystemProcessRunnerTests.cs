using Kiln.Scheduling;
using Kiln.Tests.WorkingTree;

namespace Kiln.Tests.Scheduling;

/// <summary>Real processes: exit code, captured streams, exactly the given environment, no shell.</summary>
public sealed class SystemProcessRunnerTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    private ProcessStart Start(string fileName, string[] arguments, Dictionary<string, string>? environment = null, bool capture = true) =>
        new(fileName, arguments, _directory.Path, environment ?? [], capture, capture, InheritUncaptured: false);

    private static Task<ProcessResult> RunAsync(ProcessStart start, CancellationToken? cancellationToken = null) =>
        SystemProcessRunner.Instance.RunAsync(start, cancellationToken ?? TestContext.Current.CancellationToken);

    [Fact]
    public async Task The_exit_code_and_the_captured_streams_are_returned()
    {
        var result = await RunAsync(Start("/bin/sh", ["-c", "printf out; printf err >&2; exit 3"]));

        Assert.Equal(new ProcessResult(3, "out", "err"), result);
    }

    [Fact]
    public async Task Uncaptured_streams_that_are_not_inherited_are_discarded()
    {
        var result = await RunAsync(Start("/bin/sh", ["-c", "printf out; printf err >&2"], capture: false));

        Assert.Equal(new ProcessResult(0, "", ""), result);
    }

    [Fact]
    public async Task The_process_gets_exactly_the_given_environment()
    {
        var result = await RunAsync(Start("/usr/bin/env", [], new Dictionary<string, string> { ["KILN_A"] = "1 2" }));

        Assert.Equal("KILN_A=1 2\n", result.StandardOutput);
    }

    [Fact]
    public async Task Arguments_are_passed_as_they_are_without_a_shell()
    {
        var result = await RunAsync(Start("/bin/echo", ["a  b", "$HOME", "*", "'"]));

        Assert.Equal("a  b $HOME * '\n", result.StandardOutput);
    }

    [Fact]
    public async Task The_process_runs_in_the_working_directory()
    {
        var result = await RunAsync(Start("/bin/pwd", []));

        Assert.Equal(_directory.Path.TrimEnd('/'), Path.GetFullPath(result.StandardOutput.TrimEnd('\n')));
    }

    [Fact]
    public async Task A_cancelled_run_kills_the_process()
    {
        var pidFile = _directory.Path + "pid";
        using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        var run = RunAsync(Start("/bin/sh", ["-c", $"echo $$ > '{pidFile}.new' && mv '{pidFile}.new' '{pidFile}' && exec sleep 600"]), cancellation.Token);
        SpinWait.SpinUntil(() => File.Exists(pidFile) || run.IsCompleted);
        var pid = File.ReadAllText(pidFile).Trim();
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run);
        var stat = $"/proc/{pid}/stat";
        Assert.True(!File.Exists(stat) || File.ReadAllText(stat).Split(' ')[2] == "Z", $"helper {pid} still runs");
    }
}
