using Kiln.Platform.Posix;
using System.Text;
using Kiln.Platform.Resident;

namespace Kiln.Cli.Tests.Server;

/// <summary>
/// Issue 15 §2 with real processes: the <c>kiln</c> front answers <c>--version</c> itself and runs builds in the
/// user's resident engine (started on demand) exactly as in-process; it falls back to in-process when told to, when
/// the engine is busy, or cannot serve; a killed engine, a socket left behind, Ctrl-C, idle exit and a client of
/// another version are each handled.
/// </summary>
public sealed class ResidentEngineTests : IDisposable
{
    private readonly EngineTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private static Dictionary<string, string> Env(params (string Name, string Value)[] pairs) => pairs.ToDictionary(p => p.Name, p => p.Value);

    private string[] Sockets() => Directory.Exists(_tree.EngineDirectory) ? Directory.GetFiles(_tree.EngineDirectory, "*.sock") : [];

    [Fact]
    public void Version_is_answered_by_the_front_alone()
    {
        var front = _tree.Kiln("--version");
        var managed = _tree.Run(EngineTree.Managed, ["--version"]);
        Assert.Equal(0, front.ExitCode);
        Assert.Equal(managed.Output, front.Output);
        Assert.Empty(Sockets());
    }

    [Theory]
    [InlineData("build", "build.cs", "a", "b c")]
    [InlineData("build", "build.cs", "fail")]
    public void A_build_through_the_engine_equals_the_in_process_build(params string[] args)
    {
        var environment = Env(("KILN_TEST_VALUE", "v 1"));
        var inProcess = _tree.Run(EngineTree.Managed, args, environment);
        var viaEngine = _tree.Run(EngineTree.Front, args, environment);
        Assert.Single(Sockets());
        Assert.NotNull(_tree.EnginePid());
        Assert.Equal(inProcess.ExitCode, viaEngine.ExitCode);
        Assert.Equal(inProcess.Output, viaEngine.Output);
        Assert.Equal(inProcess.Error, viaEngine.Error);
        Assert.Contains("value v 1", viaEngine.Output, StringComparison.Ordinal);
        Assert.Contains(" 1 run(s)", _tree.Run(EngineTree.Managed, ["server", "status"]).Output, StringComparison.Ordinal);

        // A second run in the warm engine: an environment variable the first run had is not carried over.
        var again = _tree.Run(EngineTree.Front, args);
        Assert.Equal(inProcess.ExitCode, again.ExitCode);
        Assert.Contains("value (unset)", again.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Output_of_helpers_that_inherit_the_streams_reaches_the_client()
    {
        var r = _tree.Kiln("build", "build.cs", "helper");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("helper-said-hi", r.Output, StringComparison.Ordinal);
        Assert.Contains("I run: 1 redo(s)", r.Error, StringComparison.Ordinal);
        Assert.NotNull(_tree.EnginePid());
    }

    [Fact]
    public void KILN_NO_SERVER_runs_in_process_without_an_engine()
    {
        var r = _tree.Run(EngineTree.Front, ["build", "build.cs", "x"], Env(("KILN_NO_SERVER", "1")));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("out: [x]", r.Output, StringComparison.Ordinal);
        Assert.Empty(Sockets());
    }

    [Fact]
    public void Commands_other_than_build_run_in_process()
    {
        var r = _tree.Kiln("server", "status");
        Assert.Equal(1, r.ExitCode);
        Assert.Contains("no engine running", r.Output, StringComparison.Ordinal);
        Assert.Empty(Sockets());
    }

    [Fact]
    public void A_killed_engine_is_restarted_by_the_next_run()
    {
        Assert.Equal(0, _tree.Kiln("build").ExitCode);
        var first = _tree.EnginePid()!.Value;
        using (var engine = System.Diagnostics.Process.GetProcessById(first))
        {
            engine.Kill();
            Assert.True(engine.WaitForExit(TimeSpan.FromSeconds(30)));
        }
        // Its socket file is left behind, with nobody listening.
        Assert.Single(Sockets());

        var r = _tree.Kiln("build", "build.cs", "again");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("out: [again]", r.Output, StringComparison.Ordinal);
        var second = _tree.EnginePid();
        Assert.NotNull(second);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void A_file_left_at_the_socket_path_is_replaced()
    {
        // Something left where the socket goes (the killed engine's socket file: A_killed_engine_is_restarted_by_the_next_run).
        var path = EnginePlace.SocketPath(_tree.EngineDirectory, IdentityOfManaged());
        Assert.Null(EnginePlace.Prepare(_tree.EngineDirectory));
        File.WriteAllText(path, "left behind");

        var r = _tree.Kiln("build");
        Assert.Equal(0, r.ExitCode);
        Assert.NotNull(_tree.EnginePid());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_second_client_while_the_engine_runs_a_build_runs_in_process(bool sameTree)
    {
        using var other = new EngineTree().SharingEnginesOf(_tree);
        using var waiting = _tree.Start(EngineTree.Front, ["build", "build.cs", "wait"]);
        EngineTree.WaitFor(() => File.Exists(Path.Combine(_tree.Signals, "started")), "the first build's helper to start");

        var second = (sameTree ? _tree : other).Run(EngineTree.Front, ["build", "build.cs", "second"], Env(("KILN_VERBOSE", "1")));
        Assert.Equal(0, second.ExitCode);
        Assert.Contains("out: [second]", second.Output, StringComparison.Ordinal);
        Assert.Contains("running in-process: engine answered Busy", second.Error, StringComparison.Ordinal);

        File.WriteAllText(Path.Combine(_tree.Signals, "go"), "");
        var first = waiting.Finish();
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("I run: 1 redo(s)", first.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Ctrl_C_in_the_client_interrupts_the_run_in_the_engine()
    {
        using var waiting = _tree.Start(EngineTree.Front, ["build", "build.cs", "wait"]);
        EngineTree.WaitFor(() => File.Exists(Path.Combine(_tree.Signals, "started")), "the build's helper to start");
        var pid = _tree.EnginePid();
        Assert.Equal(0, Libc.Kill(waiting.Process.Id, Libc.SIGINT));

        var r = waiting.Finish();
        Assert.Equal(130, r.ExitCode);
        Assert.Contains("interrupted: 0 redo(s) completed and kept, 1 not run", r.Error, StringComparison.Ordinal);
        // The engine lives on, and its next run is not interrupted.
        Assert.Equal(pid, _tree.EnginePid());
        File.WriteAllText(Path.Combine(_tree.Signals, "go"), "");
        var next = _tree.Kiln("build", "build.cs", "wait");
        Assert.Equal(0, next.ExitCode);
        Assert.Contains("I run: 1 redo(s)", next.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_idle_engine_exits()
    {
        var r = _tree.Run(EngineTree.Front, ["build"], Env(("KILN_SERVER_IDLE_SECONDS", "1")));
        Assert.Equal(0, r.ExitCode);
        EngineTree.WaitFor(() => Sockets().Length == 0, "the idle engine to exit");
        Assert.Null(_tree.EnginePid());
    }

    [Fact]
    public void An_engine_refuses_a_client_of_another_version()
    {
        Assert.Equal(0, _tree.Kiln("build").ExitCode);
        using var connection = EngineConnection.TryConnect(Assert.Single(Sockets()));
        Assert.NotNull(connection);
        var request = new EngineRequest("0.0.0-other", IdentityOfManaged(), ["build"], _tree.Root, [], false, false, 0);
        connection.Send(FrameType.Request, request.Encode());
        var answer = connection.Receive();
        Assert.Equal(FrameType.Refused, answer?.Type);
        Assert.Contains("cannot serve a client of kiln 0.0.0-other", Encoding.UTF8.GetString(answer!.Value.Payload), StringComparison.Ordinal);
    }

    [Fact]
    public void An_engine_directory_open_to_others_is_not_used()
    {
        if (OperatingSystem.IsWindows())
            return;
        Directory.CreateDirectory(_tree.EngineDirectory);
        File.SetUnixFileMode(_tree.EngineDirectory, (UnixFileMode)0b111_111_111);
        var r = _tree.Run(EngineTree.Front, ["build"], Env(("KILN_VERBOSE", "1")));
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("has mode 777, not 700", r.Error, StringComparison.Ordinal);
        Assert.Empty(Sockets());
    }

    private static string IdentityOfManaged()
    {
        var version = Kiln.Cli.Server.EngineIdentity.VersionOf(typeof(Kiln.Cli.Server.EngineIdentity).Assembly);
        return EnginePlace.Identity(version, Path.Combine(Path.GetDirectoryName(EngineTree.Managed)!, EnginePlace.EngineAssembly));
    }
}
