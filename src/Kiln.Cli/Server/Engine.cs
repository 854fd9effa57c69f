using Kiln.Platform.Posix;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Kiln.Platform.Resident;

namespace Kiln.Cli.Server;

/// <summary>
/// The resident engine (<c>kiln server run</c>): listens on the user's socket for this binary and runs the
/// commands fronts send it (<see cref="EngineRun"/>), one at a time: a client that finds it busy is told so and runs
/// in-process (the working tree's lock still decides between the two). Serves only clients of its own user, version
/// and binary identity; exits after <see cref="IdleLimit"/> without a run, or when asked (<c>kiln server stop</c>).
/// </summary>
internal sealed class Engine(EngineIdentity identity, TimeSpan idleLimit, TextWriter log) : IDisposable
{
    /// <summary>The default idle time before the engine exits: 3 h.</summary>
    public static readonly TimeSpan DefaultIdleLimit = TimeSpan.FromHours(3);

    private readonly CancellationTokenSource _exit = new();
    private readonly long _startedTicks = Environment.TickCount64;
    private long _lastActivityTicks = Environment.TickCount64;
    private int _busy;
    private int _runs;
    private volatile bool _stopRequested;

    /// <summary>How long the engine waits for a run before it exits.</summary>
    public TimeSpan IdleLimit => idleLimit;

    /// <summary>
    /// The idle limit of <c>KILN_SERVER_IDLE_SECONDS</c> (default <see cref="DefaultIdleLimit"/>); null and
    /// <paramref name="problem"/> set when the value is not a positive number of seconds.
    /// </summary>
    public static TimeSpan? IdleLimitOf(string? value, out string? problem)
    {
        problem = null;
        if (string.IsNullOrEmpty(value))
            return DefaultIdleLimit;
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds > 0 && seconds < 1e9)
            return TimeSpan.FromSeconds(seconds);
        problem = $"KILN_SERVER_IDLE_SECONDS must be a positive number of seconds, not '{value}'";
        return null;
    }

    /// <summary>Serves until idle or stopped; returns the exit status (0, or 1 when it cannot listen).</summary>
    public int Run()
    {
        var problem = EnginePlace.Prepare(identity.Directory);
        if (problem is not null)
        {
            log.WriteLine("error: " + problem);
            return 1;
        }
        // No controlling terminal: the Ctrl-C of the terminal that started it goes to the front, which forwards it.
        _ = Libc.SetSession();
        using (var other = EngineConnection.TryConnect(identity.SocketPath))
        {
            if (other is not null)
            {
                log.WriteLine($"an engine already listens at '{identity.SocketPath}'");
                return 0;
            }
        }
        // A socket file left by an engine that was killed: nobody listens there.
        File.Delete(identity.SocketPath);
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            listener.Bind(new UnixDomainSocketEndPoint(identity.SocketPath));
            listener.Listen(16);
        }
        catch (SocketException e)
        {
            log.WriteLine($"error: cannot listen at '{identity.SocketPath}': {e.Message}");
            return 1;
        }
        // SIGINT reaches the engine only as raised for a run's Ctrl-C (EngineRun); between runs it is ignored.
        using var interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, c => c.Cancel = true);
        using var idleCheck = new Timer(_ => ExitIfIdle(), null, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200));
        log.WriteLine($"engine {identity.Version} ({identity.Identity}) listening at '{identity.SocketPath}', pid {Environment.ProcessId}");
        try
        {
            while (true)
            {
                var client = listener.AcceptAsync(_exit.Token).AsTask().GetAwaiter().GetResult();
                Touch();
                var thread = new Thread(() => Serve(new EngineConnection(client))) { IsBackground = true, Name = "kiln engine connection" };
                thread.Start();
            }
        }
        catch (OperationCanceledException)
        {
            // Idle or stopped.
        }
        finally
        {
            listener.Close();
            File.Delete(identity.SocketPath);
        }
        return 0;
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivityTicks, Environment.TickCount64);

    private TimeSpan Idle => TimeSpan.FromMilliseconds(Environment.TickCount64 - Interlocked.Read(ref _lastActivityTicks));

    private void ExitIfIdle()
    {
        if (Volatile.Read(ref _busy) == 0 && (_stopRequested || Idle > idleLimit))
            _exit.Cancel();
    }

    private void Serve(EngineConnection client)
    {
        using (client)
        {
            try
            {
                var first = client.Receive();
                if (first is null)
                    return;
                if (!client.PeerIsSameUser)
                {
                    client.Send(FrameType.Refused, Text($"this engine serves user {Libc.GetEffectiveUserId()} only"));
                    return;
                }
                switch (first.Value.Type)
                {
                    case FrameType.Status:
                        client.Send(FrameType.StatusReply, Text(Status()));
                        break;
                    case FrameType.Stop:
                        _stopRequested = true;
                        client.Send(FrameType.Stopping);
                        ExitIfIdle();
                        break;
                    case FrameType.Request:
                        ServeRun(client, EngineRequest.Decode(first.Value.Payload));
                        break;
                    default:
                        client.Send(FrameType.Refused, Text($"unexpected first frame {first.Value.Type}"));
                        break;
                }
            }
            catch (Exception e) when (e is IOException or InvalidDataException or SocketException or ObjectDisposedException)
            {
                // A client that went away or spoke nonsense: its business, not the engine's.
            }
        }
    }

    private void ServeRun(EngineConnection client, EngineRequest request)
    {
        if (request.Version != identity.Version || request.Identity != identity.Identity)
        {
            client.Send(FrameType.Refused, Text($"engine of kiln {identity.Version} ({identity.Identity}) cannot serve a client of kiln {request.Version} ({request.Identity})"));
            return;
        }
        if (_stopRequested || Interlocked.CompareExchange(ref _busy, 1, 0) != 0)
        {
            client.Send(FrameType.Busy, Text("the engine is running another command"));
            return;
        }
        try
        {
            client.Send(FrameType.Accepted);
            var status = EngineRun.Execute(request, client);
            client.Send(FrameType.Exit, Frames.Status(status));
        }
        finally
        {
            Interlocked.Increment(ref _runs);
            Touch();
            Volatile.Write(ref _busy, 0);
        }
    }

    private string Status() => string.Create(CultureInfo.InvariantCulture,
        $"engine running: pid {Environment.ProcessId}, kiln {identity.Version} ({identity.Identity}), {Volatile.Read(ref _runs)} run(s), " +
        $"{(Volatile.Read(ref _busy) == 1 ? "running one now" : $"idle {Idle.TotalSeconds:0} s")}, exits after {idleLimit.TotalSeconds:0} s idle, " +
        $"up {(Environment.TickCount64 - _startedTicks) / 1000} s\n  socket: {identity.SocketPath}");

    public void Dispose() => _exit.Dispose();

    private static byte[] Text(string text) => System.Text.Encoding.UTF8.GetBytes(text);
}
