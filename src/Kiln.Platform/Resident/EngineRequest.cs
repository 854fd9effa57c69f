using System.Buffers.Binary;
using System.Text;

namespace Kiln.Platform.Resident;

/// <summary>
/// What the front sends the engine to run a command as if it ran in the client's process: the arguments (as given
/// to <c>kiln</c>), working directory, whole environment and terminal facts, plus the version and binary identity the
/// client expects (a mismatch is refused, never served by a stale engine).
/// </summary>
/// <remarks>Encoding: each string as int32 byte count + UTF-8; a list as int32 count + items; a bool as one byte;
/// fields in the order of the constructor.</remarks>
internal sealed record EngineRequest(
    string Version,
    string Identity,
    IReadOnlyList<string> Arguments,
    string WorkingDirectory,
    IReadOnlyList<KeyValuePair<string, string>> Environment,
    bool StdoutIsTerminal,
    bool StderrIsTerminal,
    int TerminalWidth)
{
    /// <summary>The payload of a <see cref="FrameType.Request"/> frame.</summary>
    public byte[] Encode()
    {
        using var buffer = new MemoryStream();
        Put(buffer, Version);
        Put(buffer, Identity);
        PutInt(buffer, Arguments.Count);
        foreach (var a in Arguments)
            Put(buffer, a);
        Put(buffer, WorkingDirectory);
        PutInt(buffer, Environment.Count);
        foreach (var (name, value) in Environment)
        {
            Put(buffer, name);
            Put(buffer, value);
        }
        buffer.WriteByte(StdoutIsTerminal ? (byte)1 : (byte)0);
        buffer.WriteByte(StderrIsTerminal ? (byte)1 : (byte)0);
        PutInt(buffer, TerminalWidth);
        return buffer.ToArray();
    }

    /// <summary>Decodes a <see cref="FrameType.Request"/> payload.</summary>
    /// <exception cref="InvalidDataException">Truncated or malformed.</exception>
    public static EngineRequest Decode(byte[] payload)
    {
        var at = 0;
        var version = Get(payload, ref at);
        var identity = Get(payload, ref at);
        var arguments = new string[GetCount(payload, ref at)];
        for (var i = 0; i < arguments.Length; i++)
            arguments[i] = Get(payload, ref at);
        var directory = Get(payload, ref at);
        var environment = new KeyValuePair<string, string>[GetCount(payload, ref at)];
        for (var i = 0; i < environment.Length; i++)
            environment[i] = new(Get(payload, ref at), Get(payload, ref at));
        if (payload.Length - at != 6)
            throw new InvalidDataException("engine request: malformed terminal facts");
        var stdout = payload[at] != 0;
        var stderr = payload[at + 1] != 0;
        var width = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(at + 2));
        return new(version, identity, arguments, directory, environment, stdout, stderr, width);
    }

    private static void PutInt(MemoryStream buffer, int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, value);
        buffer.Write(bytes);
    }

    private static void Put(MemoryStream buffer, string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        PutInt(buffer, bytes.Length);
        buffer.Write(bytes);
    }

    private static int GetCount(byte[] payload, ref int at)
    {
        if (payload.Length - at < 4)
            throw new InvalidDataException("engine request: truncated");
        var value = BinaryPrimitives.ReadInt32LittleEndian(payload.AsSpan(at));
        at += 4;
        if (value < 0 || value > payload.Length - at)
            throw new InvalidDataException("engine request: length out of bounds");
        return value;
    }

    private static string Get(byte[] payload, ref int at)
    {
        var length = GetCount(payload, ref at);
        var text = Encoding.UTF8.GetString(payload, at, length);
        at += length;
        return text;
    }
}
