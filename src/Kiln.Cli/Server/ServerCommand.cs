using System.CommandLine;
using System.Text;
using Kiln.Platform.Resident;

namespace Kiln.Cli.Server;

/// <summary>
/// <c>kiln server run|status|stop</c>: the resident engine of this binary for this user (see docs/cli.md). The
/// <c>kiln</c> front starts it by itself; these commands are for looking at it and ending it.
/// </summary>
/// <remarks>Exit status: 0 success (status: an engine runs); 1 no engine (status, stop) or it cannot listen (run).</remarks>
internal static class ServerCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var run = new Command("run", "Run the engine in the foreground until idle (KILN_SERVER_IDLE_SECONDS, default 10800) or stopped");
        run.SetAction(_ => Run(error));
        var status = new Command("status", "Tell whether this kiln's engine runs, and what it does");
        status.SetAction(_ => Ask(FrameType.Status, output, error));
        var stop = new Command("stop", "Stop this kiln's engine (after the command it runs, if any)");
        stop.SetAction(_ => Ask(FrameType.Stop, output, error));
        return new Command("server", "The resident engine that keeps kiln warm between builds") { run, status, stop };
    }

    private static int Run(TextWriter error)
    {
        var idle = Engine.IdleLimitOf(Environment.GetEnvironmentVariable("KILN_SERVER_IDLE_SECONDS"), out var problem);
        if (idle is null)
        {
            error.WriteLine($"error: {problem}\n  | unset it for the default of 3 hours");
            return 2;
        }
        using var engine = new Engine(EngineIdentity.OfThisProcess(), idle.Value, error);
        return engine.Run();
    }

    private static int Ask(FrameType question, TextWriter output, TextWriter error)
    {
        var identity = EngineIdentity.OfThisProcess();
        using var engine = EngineConnection.TryConnect(identity.SocketPath);
        if (engine is null)
        {
            output.WriteLine($"no engine running\n  socket: {identity.SocketPath}");
            return 1;
        }
        engine.Send(question);
        var reply = engine.Receive();
        switch (reply)
        {
            case { Type: FrameType.StatusReply } r:
                output.WriteLine(Encoding.UTF8.GetString(r.Payload));
                return 0;
            case { Type: FrameType.Stopping }:
                output.WriteLine("engine stopping (after the command it runs, if any)");
                return 0;
            case { Type: FrameType.Refused } r:
                error.WriteLine($"error: the engine at '{identity.SocketPath}' refused: {Encoding.UTF8.GetString(r.Payload)}");
                return 1;
            default:
                error.WriteLine($"error: the engine at '{identity.SocketPath}' gave no answer\n  | it may be ending; see 'kiln server status'");
                return 1;
        }
    }
}
