using System.Text;

namespace Kiln.Jit.Mpi;

/// <summary>
/// A failure of one rank as a value that crosses to every rank: its kind, message and compiler output tail, and for a
/// compile error or an interrupted compile every field of the exception, so that each rank raises the same typed
/// exception (<see cref="ToException"/>) — decided by <see cref="Kind"/>, never by a type name.
/// <para>Wire format (<see cref="Encode"/>): the magic <c>kiln-jit-failure 1</c>, the kind as one byte, then as
/// <see cref="BinaryWriter"/> writes them: message, output tail, signature, command, failure folder, reason (strings),
/// from-failure-record (bool), exit code and signal (int32, <see cref="int.MinValue"/> for none), attempts (int32).</para>
/// </summary>
internal sealed record RankFailure(RankFailureKind Kind, string Message, string OutputTail = "", string Signature = "", string Command = "",
    string FailureDirectory = "", string Reason = "", bool FromFailureRecord = false, int? ExitCode = null, int? Signal = null, int Attempts = 0)
{
    private const string Magic = "kiln-jit-failure 1";

    /// <summary>The value of <paramref name="e"/>: a compile error or interrupted compile anywhere in its chain of inner
    /// exceptions first (its fields travel), otherwise the kind of <paramref name="e"/> itself.</summary>
    public static RankFailure From(Exception e)
    {
        ArgumentNullException.ThrowIfNull(e);
        for (var inner = e; inner is not null; inner = inner.InnerException)
        {
            switch (inner)
            {
                case JitCompileException c:
                    return new RankFailure(RankFailureKind.Compile, c.Message, c.OutputTail, c.Signature, c.Command, c.FailureDirectory,
                        FromFailureRecord: c.FromFailureRecord, ExitCode: c.ExitCode);
                case JitBuildInterruptedException i:
                    return new RankFailure(RankFailureKind.Interrupted, i.Message, i.OutputTail, i.Signature, i.Command, Reason: i.Reason,
                        Signal: i.Signal, Attempts: i.Attempts);
                default:
                    break;
            }
        }
        return e switch
        {
            JitRequestException or InvalidOperationException => new RankFailure(RankFailureKind.Request, e.Message),
            JitCacheException => new RankFailure(RankFailureKind.Cache, e.Message),
            JitLockTimeoutException => new RankFailure(RankFailureKind.LockTimeout, e.Message),
            _ => new RankFailure(RankFailureKind.Other, $"{e.GetType().FullName}: {e.Message}"),
        };
    }

    /// <summary>True when <paramref name="e"/>'s chain holds a failure whose fields travel (compile error, interrupted compile).</summary>
    public static bool CarriesFields(Exception? e) => e is not null && From(e).Kind is RankFailureKind.Compile or RankFailureKind.Interrupted;

    /// <summary>The exception every rank raises. <paramref name="cause"/> is the collective failure; <paramref name="rank"/>
    /// and <paramref name="communicator"/> name where it happened (for <see cref="RankFailureKind.Other"/>).</summary>
    public JitException ToException(string signature, int rank, string communicator, Exception cause) => Kind switch
    {
        RankFailureKind.Compile => Signature.Length == 0 && Command.Length == 0
            ? new JitCompileException(Message, cause)
            : new JitCompileException(Signature, Command, OutputTail, FailureDirectory, FromFailureRecord, ExitCode),
        RankFailureKind.Interrupted => Signature.Length == 0 && Command.Length == 0
            ? new JitBuildInterruptedException(Message, cause)
            : new JitBuildInterruptedException(Signature, Command, Reason, Signal, Attempts, OutputTail),
        RankFailureKind.Request => new JitRequestException(Message, cause),
        RankFailureKind.Cache => new JitCacheException(Message, cause),
        RankFailureKind.LockTimeout => new JitLockTimeoutException(Message, cause),
        _ => new JitException($"distributed JIT of '{signature}' failed on rank {rank} of '{communicator}': {Message}", cause),
    };

    public byte[] Encode()
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write((byte)Kind);
            writer.Write(Message);
            writer.Write(OutputTail);
            writer.Write(Signature);
            writer.Write(Command);
            writer.Write(FailureDirectory);
            writer.Write(Reason);
            writer.Write(FromFailureRecord);
            writer.Write(ExitCode ?? int.MinValue);
            writer.Write(Signal ?? int.MinValue);
            writer.Write(Attempts);
        }
        return stream.ToArray();
    }

    /// <exception cref="JitException">The bytes are no failure of this format (ranks of different Kiln versions).</exception>
    public static RankFailure Decode(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        static int? Optional(int value) => value == int.MinValue ? null : value;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(bytes), Encoding.UTF8);
            if (reader.ReadString() != Magic)
                throw new JitException("a rank's JIT failure arrived in an unknown format; run the same Kiln version on every rank");
            var kind = (RankFailureKind)reader.ReadByte();
            return new RankFailure(kind, reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString(), reader.ReadString(),
                reader.ReadString(), reader.ReadBoolean(), Optional(reader.ReadInt32()), Optional(reader.ReadInt32()), reader.ReadInt32());
        }
        catch (EndOfStreamException e)
        {
            throw new JitException("a rank's JIT failure arrived truncated; run the same Kiln version on every rank", e);
        }
    }
}

/// <summary>What kind of failure a <see cref="RankFailure"/> is; each maps to one exception type.</summary>
internal enum RankFailureKind : byte
{
    /// <summary>Anything else (<see cref="JitException"/> naming the rank and the original type).</summary>
    Other = 0,
    /// <summary><see cref="JitCompileException"/>.</summary>
    Compile = 1,
    /// <summary><see cref="JitBuildInterruptedException"/>.</summary>
    Interrupted = 2,
    /// <summary><see cref="JitRequestException"/> (also for an <see cref="InvalidOperationException"/> of the protocol).</summary>
    Request = 3,
    /// <summary><see cref="JitCacheException"/>.</summary>
    Cache = 4,
    /// <summary><see cref="JitLockTimeoutException"/>.</summary>
    LockTimeout = 5,
}
