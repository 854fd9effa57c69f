using Kiln.Platform.Posix;
using System.Buffers.Binary;
using System.Net.Sockets;

namespace Kiln.Platform.Resident;

/// <summary>
/// One connection to an engine socket, client or engine side: frames both ways, and the peer's user id (an engine
/// serves, and a front talks to, processes of its own user only).
/// </summary>
internal sealed class EngineConnection : IDisposable
{
    // SOL_SOCKET and SO_PEERCRED on Linux; the option gives struct ucred { pid_t pid; uid_t uid; gid_t gid; }.
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly Lock _writeGate = new();

    /// <summary>Wraps a connected socket (taken over).</summary>
    public EngineConnection(Socket socket)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
    }

    /// <summary>Connects to the engine at <paramref name="socketPath"/>; null when none listens there.</summary>
    public static EngineConnection? TryConnect(string socketPath)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Connect(new UnixDomainSocketEndPoint(socketPath));
            return new EngineConnection(socket);
        }
        catch (SocketException)
        {
            socket.Dispose();
            return null;
        }
    }

    /// <summary>The user id of the process at the other end; null where the system does not tell.</summary>
    public uint? PeerUserId
    {
        get
        {
            if (!OperatingSystem.IsLinux())
                return null;
            var credentials = new byte[12];
            return _socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials) == 12
                ? BinaryPrimitives.ReadUInt32LittleEndian(credentials.AsSpan(4))
                : null;
        }
    }

    /// <summary>Whether the peer runs as this process's user (or the system cannot tell).</summary>
    public bool PeerIsSameUser => PeerUserId is not { } uid || uid == Libc.GetEffectiveUserId();

    /// <summary>Writes one frame (thread-safe).</summary>
    public void Send(FrameType type, ReadOnlySpan<byte> payload = default)
    {
        lock (_writeGate)
            Frames.Write(_stream, type, payload);
    }

    /// <summary>Reads one frame; null at the end of the stream.</summary>
    public (FrameType Type, byte[] Payload)? Receive() => Frames.Read(_stream);

    public void Dispose() => _stream.Dispose();
}
