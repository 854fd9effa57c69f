using Kiln.Platform.Resident;
using Microsoft.Win32.SafeHandles;

namespace Kiln.Cli.Server;

/// <summary>
/// Copies what a run writes to one of its standard streams (the read end of a pipe put in place of fd 1 or 2, so
/// that helpers that inherit the engine's streams are caught too) into frames to the client, until the pipe's last
/// writer closes it. A client gone stops the sending, not the draining (writers must never block on a full pipe).
/// </summary>
internal sealed class FrameWriter
{
    private readonly Thread _thread;

    private FrameWriter(int readEnd, EngineConnection client, FrameType type)
    {
        _thread = new Thread(() => Copy(readEnd, client, type)) { IsBackground = true, Name = $"kiln engine {type}" };
        _thread.Start();
    }

    /// <summary>Starts copying <paramref name="readEnd"/> (taken over) into <paramref name="type"/> frames.</summary>
    public static FrameWriter Start(int readEnd, EngineConnection client, FrameType type) => new(readEnd, client, type);

    /// <summary>Waits until the pipe is drained; false if a writer still holds it after <paramref name="limit"/>.</summary>
    public bool Finish(TimeSpan limit) => _thread.Join(limit);

    private static void Copy(int readEnd, EngineConnection client, FrameType type)
    {
        using var pipe = new FileStream(new SafeFileHandle(readEnd, ownsHandle: true), FileAccess.Read, bufferSize: 0);
        var buffer = new byte[64 * 1024];
        var sending = true;
        while (true)
        {
            int n;
            try
            {
                n = pipe.Read(buffer, 0, buffer.Length);
            }
            catch (IOException)
            {
                return;
            }
            if (n == 0)
                return;
            if (!sending)
                continue;
            try
            {
                client.Send(type, buffer.AsSpan(0, n));
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                sending = false;
            }
        }
    }
}
