using Kiln.Scheduling;

namespace Kiln.Tests.Fakes;

/// <summary>The scripted process runner records starts and answers as scripted.</summary>
public sealed class ScriptedProcessRunnerTests
{
    private static ProcessStart Start(string fileName, params string[] arguments) =>
        new(fileName, arguments, "/w/", new Dictionary<string, string>(), CaptureStandardOutput: true, CaptureStandardError: true, InheritUncaptured: false);

    [Fact]
    public async Task Every_start_is_recorded_and_answered_with_the_scripted_result()
    {
        var runner = new ScriptedProcessRunner().On("gcc", exitCode: 1, standardOutput: "out", standardError: "err");

        var result = await runner.RunAsync(Start("/usr/bin/gcc", "-c", "a.c"), TestContext.Current.CancellationToken);

        Assert.Equal(new ProcessResult(1, "out", "err"), result);
        var start = Assert.Single(runner.Starts);
        Assert.Equal("/usr/bin/gcc", start.FileName);
        Assert.Equal(["-c", "a.c"], start.Arguments);
    }

    [Fact]
    public async Task The_effect_can_create_files_on_the_fake_file_system()
    {
        var fs = new InMemoryFileSystem();
        fs.AddDirectory("/w");
        var runner = new ScriptedProcessRunner().On("/usr/bin/gcc", effect: s => fs.AddFile(s.WorkingDirectory + s.Arguments[^1], "object"));

        await runner.RunAsync(Start("/usr/bin/gcc", "-o", "a.o"), TestContext.Current.CancellationToken);

        Assert.Equal("object", fs.ReadText("/w/a.o"));
    }

    [Fact]
    public async Task Entries_are_used_in_order_and_as_often_as_scripted()
    {
        var runner = new ScriptedProcessRunner()
            .On("cc", exitCode: 1, times: 1)
            .On("cc", exitCode: 2);

        var first = await runner.RunAsync(Start("/bin/cc"), TestContext.Current.CancellationToken);
        var second = await runner.RunAsync(Start("/bin/cc"), TestContext.Current.CancellationToken);
        var third = await runner.RunAsync(Start("/bin/cc"), TestContext.Current.CancellationToken);

        Assert.Equal([1, 2, 2], [first.ExitCode, second.ExitCode, third.ExitCode]);
    }

    [Fact]
    public async Task An_unscripted_start_throws_and_is_recorded()
    {
        var runner = new ScriptedProcessRunner().On("/usr/bin/gcc");

        var e = await Assert.ThrowsAsync<InvalidOperationException>(() => runner.RunAsync(Start("/opt/gcc", "x"), TestContext.Current.CancellationToken));

        Assert.Equal("unscripted process start: '/opt/gcc' x", e.Message);
        Assert.Single(runner.Starts);
    }

    [Fact]
    public async Task Uncaptured_output_is_returned_as_empty()
    {
        var runner = new ScriptedProcessRunner().On("cc", standardOutput: "out", standardError: "err");

        var result = await runner.RunAsync(Start("cc") with { CaptureStandardOutput = false }, TestContext.Current.CancellationToken);

        Assert.Equal("", result.StandardOutput);
        Assert.Equal("err", result.StandardError);
    }
}
