using System.Buffers.Binary;

namespace Kiln.Platform.Resident;

/// <summary>The kind of a frame between the <c>kiln</c> front and the resident engine.</summary>
internal enum FrameType : byte
{
    /// <summary>Client → engine: run a command (payload: <see cref="EngineRequest"/>).</summary>
    Request = 1,

    /// <summary>Client → engine: Ctrl-C in the client; interrupt the run (empty).</summary>
    Interrupt = 2,

    /// <summary>Client → engine: describe yourself (empty); answered by <see cref="StatusReply"/>.</summary>
    Status = 3,

    /// <summary>Client → engine: exit once the current run (if any) ends (empty); answered by <see cref="Stopping"/>.</summary>
    Stop = 4,

    /// <summary>Engine → client: the request is taken; output and then <see cref="Exit"/> follow (empty).</summary>
    Accepted = 10,

    /// <summary>Engine → client: another run is in progress; run in-process instead (UTF-8 reason).</summary>
    Busy = 11,

    /// <summary>Engine → client: not this client's engine (another version, binary or user); UTF-8 reason.</summary>
    Refused = 12,

    /// <summary>Engine → client: bytes the run wrote to standard output.</summary>
    Stdout = 13,

    /// <summary>Engine → client: bytes the run wrote to standard error.</summary>
    Stderr = 14,

    /// <summary>Engine → client: the run ended; payload: its exit status (int32, little-endian).</summary>
    Exit = 15,

    /// <summary>Engine → client: UTF-8 text of <c>kiln server status</c>.</summary>
    StatusReply = 16,

    /// <summary>Engine → client: the engine exits (empty).</summary>
    Stopping = 17,
}

/// <summary>
/// Frames on the engine socket: a 5-byte header (payload length, uint32 little-endian; frame type, one byte)
/// followed by the payload. Each frame is written with one write so that frames from several threads never interleave
/// (the caller serialises writers).
/// </summary>
internal static class Frames
{
    /// <summary>Bound on a payload: a larger length means a broken or foreign peer.</summary>
    public const int MaxPayload = 64 << 20;

    private const int HeaderLength = 5;

    /// <summary>Writes one frame.</summary>
    public static void Write(Stream stream, FrameType type, ReadOnlySpan<byte> payload)
    {
        var frame = new byte[HeaderLength + payload.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(frame, (uint)payload.Length);
        frame[4] = (byte)type;
        payload.CopyTo(frame.AsSpan(HeaderLength));
        stream.Write(frame);
        stream.Flush();
    }

    /// <summary>Reads one frame; null at the end of the stream between frames.</summary>
    /// <exception cref="InvalidDataException">The stream ends inside a frame, or the length is out of bounds.</exception>
    public static (FrameType Type, byte[] Payload)? Read(Stream stream)
    {
        var header = new byte[HeaderLength];
        var got = ReadFully(stream, header);
        if (got == 0)
            return null;
        if (got < HeaderLength)
            throw new InvalidDataException("engine connection: stream ended inside a frame header");
        var length = BinaryPrimitives.ReadUInt32LittleEndian(header);
        if (length > MaxPayload)
            throw new InvalidDataException($"engine connection: frame of {length} bytes exceeds the bound of {MaxPayload}");
        var payload = new byte[length];
        if (ReadFully(stream, payload) < payload.Length)
            throw new InvalidDataException("engine connection: stream ended inside a frame");
        return ((FrameType)header[4], payload);
    }

    /// <summary>The int32 payload of an <see cref="FrameType.Exit"/> frame.</summary>
    public static byte[] Status(int status)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(payload, status);
        return payload;
    }

    /// <summary>Reads the int32 payload of an <see cref="FrameType.Exit"/> frame.</summary>
    public static int StatusOf(byte[] payload) =>
        payload.Length == 4 ? BinaryPrimitives.ReadInt32LittleEndian(payload) : throw new InvalidDataException("engine connection: malformed exit frame");

    private static int ReadFully(Stream stream, byte[] buffer)
    {
        var total = 0;
        while (total < buffer.Length)
        {
            var n = stream.Read(buffer, total, buffer.Length - total);
            if (n == 0)
                break;
            total += n;
        }
        return total;
    }
}
