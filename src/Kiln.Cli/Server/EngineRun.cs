using Kiln.Platform.Posix;
using System.Collections;
using System.Text;
using Kiln.Cli.Build;
using Kiln.Platform.Resident;

namespace Kiln.Cli.Server;

/// <summary>
/// One command run by the engine for a client, as the client's own process would run it: its arguments, working
/// directory, environment and terminal facts; fd 1 and 2 replaced by pipes whose contents go back as frames
/// (helpers that inherit the streams included); fresh static state (<see cref="RunIsolation"/>). A Ctrl-C frame from
/// the client, or the client going away, raises SIGINT in the engine, which the run's own handler takes as in a
/// process of its own. One run at a time (the engine's streams, directory and environment are process-wide).
/// </summary>
internal static class EngineRun
{
    private static readonly TimeSpan DrainLimit = TimeSpan.FromSeconds(5);
    private static int _interruptible;

    /// <summary>Runs <paramref name="request"/> and returns its exit status.</summary>
    public static int Execute(EngineRequest request, EngineConnection client)
    {
        var (stdout, savedOut) = Redirect(1, client, FrameType.Stdout);
        var (stderr, savedErr) = Redirect(2, client, FrameType.Stderr);
        var previousOut = Console.Out;
        var previousError = Console.Error;
        var encoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false);
        var output = new StreamWriter(Console.OpenStandardOutput(), encoding) { AutoFlush = true };
        var error = new StreamWriter(Console.OpenStandardError(), encoding) { AutoFlush = true };
        Console.SetOut(output);
        Console.SetError(error);
        Volatile.Write(ref _interruptible, 1);
        var watcher = new Thread(() => WatchClient(client)) { IsBackground = true, Name = "kiln engine client" };
        watcher.Start();
        try
        {
            ReplaceEnvironment(request.Environment);
            TerminalFacts.Current = new TerminalFacts(request.StderrIsTerminal, request.TerminalWidth);
            RunIsolation.Reset();
            try
            {
                Directory.SetCurrentDirectory(request.WorkingDirectory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Console.Error.WriteLine($"error: cannot enter the working directory '{request.WorkingDirectory}': {e.Message}\n  | run kiln from an existing directory");
                return 1;
            }
            return KilnCli.Run([.. request.Arguments], Console.Out, Console.Error);
        }
        finally
        {
            Volatile.Write(ref _interruptible, 0);
            Console.SetOut(previousOut);
            Console.SetError(previousError);
            output.Dispose();
            error.Dispose();
            Restore(1, savedOut);
            Restore(2, savedErr);
            stdout.Finish(DrainLimit);
            stderr.Finish(DrainLimit);
            TerminalFacts.Current = TerminalFacts.OfThisProcess();
        }
    }

    // Ctrl-C of the client: the run's SIGINT handler (InterruptSignals) does what it does in a process of its own.
    // Only the first one: a second SIGINT would end the engine; the front exits by itself on a second Ctrl-C.
    private static void WatchClient(EngineConnection client)
    {
        try
        {
            while (client.Receive() is { Type: not FrameType.Interrupt })
            {
            }
        }
        catch (Exception e) when (e is IOException or InvalidDataException or ObjectDisposedException)
        {
            // The client is gone (killed): interrupt its run as its Ctrl-C would.
        }
        if (Interlocked.Exchange(ref _interruptible, 0) == 1)
            _ = Libc.Kill(Environment.ProcessId, Libc.SIGINT);
    }

    private static unsafe (FrameWriter Writer, int Saved) Redirect(int fd, EngineConnection client, FrameType type)
    {
        var ends = stackalloc int[2];
        if (Libc.Pipe(ends) != 0)
            throw new IOException($"engine: pipe failed (errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()})");
        var saved = Libc.Dup(fd);
        _ = Libc.Dup2(ends[1], fd);
        _ = Libc.Close(ends[1]);
        return (FrameWriter.Start(ends[0], client, type), saved);
    }

    private static void Restore(int fd, int saved)
    {
        _ = Libc.Dup2(saved, fd);
        _ = Libc.Close(saved);
    }

    private static void ReplaceEnvironment(IReadOnlyList<KeyValuePair<string, string>> environment)
    {
        var wanted = new Dictionary<string, string>(environment, StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            if (entry.Key is string name && !wanted.ContainsKey(name))
                Environment.SetEnvironmentVariable(name, null);
        }
        foreach (var (name, value) in wanted)
            Environment.SetEnvironmentVariable(name, value);
    }
}
