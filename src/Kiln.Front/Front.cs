using Kiln.Platform.Posix;
using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Text;
using Kiln.Platform.Replay;
using Kiln.Platform.Resident;

namespace Kiln.Front;

/// <summary>
/// The <c>kiln</c> command as a native executable: <c>kiln --version</c> is answered here; a build (<c>kiln</c>,
/// <c>kiln build …</c>) whose configuration record says nothing is to be done is answered here too (<see cref="Replay"/>);
/// any other build is sent to the user's resident engine for this Kiln (started when none runs) and its output
/// and exit status relayed; everything else, <c>KILN_NO_SERVER=1</c>, and an engine that cannot start or serve
/// (busy, refused) run the managed <c>Kiln.Cli</c> in this process's place, so that a working <c>kiln</c> never depends
/// on the engine.
/// </summary>
/// <remarks>The managed Kiln.Cli: <c>KILN_ENGINE</c> (its apphost), else <c>Kiln.Cli</c> beside this executable.</remarks>
internal static class Front
{
    private const string SetSid = "/usr/bin/setsid";
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(10);

    public static int Run(string[] args)
    {
        var started = Stopwatch.StartNew();
        if (args is ["--version"])
        {
            Console.Out.WriteLine(typeof(Front).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion);
            return 0;
        }
        var engine = Environment.GetEnvironmentVariable("KILN_ENGINE") is { Length: > 0 } given
            ? Path.GetFullPath(given)
            : Path.Combine(AppContext.BaseDirectory, "Kiln.Cli");
        var isBuild = args.Length == 0 || args[0] == "build";
        if (!isBuild)
            return RunManaged(engine, args, reason: null);
        if (Replay.TryReplay(args, engine, VersionWithoutRevision(), started, out var changed, out var verbose) is { } replayed)
            return replayed;
        if (verbose || Environment.GetEnvironmentVariable("KILN_VERBOSE") is { Length: > 0 })
            Console.Error.WriteLine($"D not replayed: {changed}");
        if (Environment.GetEnvironmentVariable("KILN_NO_SERVER") == "1")
            return RunManaged(engine, args, reason: null);
        EngineConnection? connection;
        EngineRequest request;
        try
        {
            var version = VersionWithoutRevision();
            var identity = EnginePlace.Identity(version, Path.Combine(Path.GetDirectoryName(engine)!, EnginePlace.EngineAssembly));
            var directory = EnginePlace.Directory(Environment.GetEnvironmentVariable("XDG_RUNTIME_DIR"), Libc.GetEffectiveUserId());
            var problem = EnginePlace.Prepare(directory);
            if (problem is not null)
                return RunManaged(engine, args, problem);
            var socket = EnginePlace.SocketPath(directory, identity);
            connection = EngineConnection.TryConnect(socket) ?? StartEngine(engine, socket);
            if (connection is null)
                return RunManaged(engine, args, $"the engine did not start within {StartLimit.TotalSeconds:0} s (see '{Path.ChangeExtension(socket, ".log")}')");
            if (!connection.PeerIsSameUser)
            {
                connection.Dispose();
                return RunManaged(engine, args, $"the engine at '{socket}' runs as another user");
            }
            request = new EngineRequest(version, identity, args, Environment.CurrentDirectory, ClientEnvironment(),
                !Console.IsOutputRedirected, !Console.IsErrorRedirected, Console.IsErrorRedirected ? 0 : SafeWidth());
        }
        catch (IOException e)
        {
            return RunManaged(engine, args, e.Message);
        }
        using (connection)
            return Relay(connection, request, engine, args);
    }

    private static int Relay(EngineConnection connection, EngineRequest request, string engine, string[] args)
    {
        try
        {
            connection.Send(FrameType.Request, request.Encode());
            var answer = connection.Receive();
            if (answer is not { Type: FrameType.Accepted })
                return RunManaged(engine, args, answer is { } a ? $"engine answered {a.Type}: {Encoding.UTF8.GetString(a.Payload)}" : "the engine closed the connection");
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            return RunManaged(engine, args, e.Message);
        }
        // From here on output may have been relayed: the run cannot be repeated in-process.
        var interrupts = 0;
        void Interrupt(PosixSignalContext context)
        {
            context.Cancel = true;
            if (Interlocked.Increment(ref interrupts) == 1)
            {
                try
                {
                    connection.Send(FrameType.Interrupt);
                }
                catch (IOException)
                {
                    // The engine is gone: the run ends anyway.
                }
                return;
            }
            Console.Error.WriteLine("interrupted again: exited at once; what the run had not committed is redone next run");
            Environment.Exit(130);
        }
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, Interrupt);
        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Interrupt);
        using var stdout = Console.OpenStandardOutput();
        using var stderr = Console.OpenStandardError();
        try
        {
            while (connection.Receive() is { } frame)
            {
                switch (frame.Type)
                {
                    case FrameType.Stdout:
                        stdout.Write(frame.Payload);
                        stdout.Flush();
                        break;
                    case FrameType.Stderr:
                        stderr.Write(frame.Payload);
                        stderr.Flush();
                        break;
                    case FrameType.Exit:
                        return Frames.StatusOf(frame.Payload);
                    default:
                        break;
                }
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException)
        {
            // Reported below.
        }
        Console.Error.WriteLine("error: the kiln engine ended during the run\n  | run again; 'KILN_NO_SERVER=1 kiln …' runs without the engine");
        return 1;
    }

    // Detached: util-linux's 'setsid --fork' starts the engine in a session of its own and ends at once. Not a
    // shell's 'cmd &': a non-interactive shell starts background commands with SIGINT ignored, and .NET then never
    // sees the SIGINT the engine raises to interrupt a run (EngineRun). Without setsid (macOS): the shell, and a Ctrl-C
    // then ends the front but not the run.
    private static EngineConnection? StartEngine(string engine, string socket)
    {
        var start = new ProcessStartInfo("/bin/sh") { UseShellExecute = false };
        var command = File.Exists(SetSid)
            ? $"exec {SetSid} --fork \"$0\" server run </dev/null >\"$1\" 2>&1"
            : "\"$0\" server run </dev/null >\"$1\" 2>&1 &";
        foreach (var a in (string[])["-c", command, engine, Path.ChangeExtension(socket, ".log")])
            start.ArgumentList.Add(a);
        try
        {
            using var shell = Process.Start(start);
            shell?.WaitForExit();
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
        var watch = Stopwatch.StartNew();
        while (watch.Elapsed < StartLimit)
        {
            if (EngineConnection.TryConnect(socket) is { } connection)
                return connection;
            Thread.Sleep(10);
        }
        return null;
    }

    /// <summary>Replaces this process with the managed kiln; returns only if that fails.</summary>
    private static int RunManaged(string engine, string[] args, string? reason)
    {
        if (reason is not null && Environment.GetEnvironmentVariable("KILN_VERBOSE") is { Length: > 0 })
            Console.Error.WriteLine($"D running in-process: {reason}");
        string?[] argv = [engine, .. args, null];
        _ = Libc.Exec(engine, argv);
        Console.Error.WriteLine($"error: cannot run the managed kiln '{engine}' (errno {Marshal.GetLastPInvokeError()})\n  | set KILN_ENGINE to the Kiln.Cli executable, or reinstall kiln");
        return 1;
    }

    private static string VersionWithoutRevision() =>
        ReplayCheck.WithoutRevision(typeof(Front).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0");

    private static KeyValuePair<string, string>[] ClientEnvironment()
    {
        var all = Environment.GetEnvironmentVariables();
        var list = new List<KeyValuePair<string, string>>(all.Count);
        foreach (System.Collections.DictionaryEntry entry in all)
        {
            if (entry.Key is string name && entry.Value is string value)
                list.Add(new(name, value));
        }
        return [.. list];
    }

    private static int SafeWidth()
    {
        try
        {
            return Console.WindowWidth;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
