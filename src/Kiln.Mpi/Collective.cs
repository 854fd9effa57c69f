using System.Text;

namespace Kiln.Mpi;

/// <summary>
/// Collective-safety helpers for distributed JIT: every rank takes the same branch because the branch is decided
/// by a reduction or by a broadcast outcome, never by the rank's local state alone.
/// </summary>
/// <remarks>
/// The rule they serve: no collective (barrier, broadcast, reduction) inside a branch that depends on local state
/// such as "my cache lookup hit". Decide the branch collectively first — <c>if (comm.AllTrue(hit)) return load();</c>
/// — so that hit/miss disagreement between ranks (dijitso's hazard H1, firedrake #4039) cannot desynchronise them.
/// </remarks>
public static class Collective
{
    private const byte Succeeded = 0;
    private const byte Failed = 1;

    /// <summary>Collective: true on every rank iff <paramref name="value"/> is true on every rank (a MIN reduction).</summary>
    /// <param name="communicator">The ranks that agree.</param>
    /// <param name="value">This rank's vote.</param>
    /// <param name="timeout">Bound for the wait; <see langword="null"/> means the communicator's timeout.</param>
    /// <returns>The same answer on every rank.</returns>
    public static bool AllTrue(this ICommunicator communicator, bool value, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        return communicator.AllReduce(value ? 1 : 0, ReduceOperation.Min, timeout) == 1;
    }

    /// <summary>Collective: true on every rank iff <paramref name="value"/> is true on some rank (a MAX reduction).</summary>
    /// <param name="communicator">The ranks that agree.</param>
    /// <param name="value">This rank's vote.</param>
    /// <param name="timeout">Bound for the wait; <see langword="null"/> means the communicator's timeout.</param>
    /// <returns>The same answer on every rank.</returns>
    public static bool AnyTrue(this ICommunicator communicator, bool value, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        return communicator.AllReduce(value ? 1 : 0, ReduceOperation.Max, timeout) == 1;
    }

    /// <summary>
    /// Collective: true on every rank iff every rank passed the same <paramref name="value"/> (MIN and MAX agree),
    /// e.g. a 64-bit prefix of the cache key, to catch ranks that generated different code (PyOP2's spmd_strict).
    /// </summary>
    /// <param name="communicator">The ranks that compare.</param>
    /// <param name="value">This rank's value.</param>
    /// <param name="timeout">Bound for each of the two reductions; <see langword="null"/> means the communicator's timeout.</param>
    /// <returns>The same answer on every rank.</returns>
    public static bool AllSame(this ICommunicator communicator, long value, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        return communicator.AllReduce(value, ReduceOperation.Min, timeout) == communicator.AllReduce(value, ReduceOperation.Max, timeout);
    }

    /// <summary>
    /// Collective: runs <paramref name="action"/> on <paramref name="root"/> only and broadcasts its outcome, so that
    /// every rank returns the same bytes or throws the same <see cref="RootFailedException"/> (PyOP2's
    /// safe_noncollective). Any exception of the action is caught on the root and travels as type and message.
    /// </summary>
    /// <param name="communicator">The ranks that wait for the outcome.</param>
    /// <param name="root">The rank that runs the action (e.g. the directory leader that builds).</param>
    /// <param name="action">The non-collective work; it must not call collectives on <paramref name="communicator"/>.</param>
    /// <param name="timeout">Bound for the outcome broadcast, i.e. for the action's duration as seen by the others;
    /// <see langword="null"/> means the communicator's timeout.</param>
    /// <returns>The action's bytes, on every rank.</returns>
    /// <exception cref="RootFailedException">The action threw on the root (on the root, the original is the inner exception).</exception>
    /// <exception cref="MpiTimeoutException">The outcome did not arrive in time (the root hangs or died).</exception>
    public static byte[] RunOnRoot(this ICommunicator communicator, int root, Func<byte[]> action, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        ArgumentNullException.ThrowIfNull(action);
        byte[]? message = null;
        Exception? original = null;
        if (communicator.Rank == root)
        {
            try
            {
                var payload = action();
                message = new byte[payload.Length + 1];
                message[0] = Succeeded;
                payload.CopyTo(message, 1);
            }
#pragma warning disable CA1031 // any failure of the root's work must reach every rank, whatever its type
            catch (Exception e)
#pragma warning restore CA1031
            {
                original = e;
                // A failure relayed from further up (e.g. the job's builder, via the leaders) keeps its origin.
                message = e is RootFailedException relayed
                    ? EncodeFailure(relayed.RootRank, relayed.Communicator, relayed.ErrorType, relayed.ErrorMessage)
                    : EncodeFailure(root, communicator.Name, e.GetType().FullName ?? e.GetType().Name, e.Message);
            }
        }
        var outcome = communicator.Broadcast(message, root, timeout);
        if (outcome.Length == 0)
            throw new MpiException($"RunOnRoot on communicator '{communicator.Name}': empty outcome from rank {root}");
        if (outcome[0] == Succeeded)
            return outcome[1..];
        var (rank, name, type, text) = DecodeFailure(outcome);
        throw new RootFailedException(rank, name, type, text, original);
    }

    /// <summary>
    /// Collective: <see cref="RunOnRoot(ICommunicator, int, Func{byte[]}, TimeSpan?)"/> for a typed result with its
    /// own encoding; a failure to encode on the root counts as a failure of the action.
    /// </summary>
    /// <typeparam name="T">The result type.</typeparam>
    /// <param name="communicator">The ranks that wait for the outcome.</param>
    /// <param name="root">The rank that runs the action.</param>
    /// <param name="action">The non-collective work.</param>
    /// <param name="encode">Turns the root's result into bytes.</param>
    /// <param name="decode">Turns the bytes into the result on every rank.</param>
    /// <param name="timeout">Bound for the outcome broadcast; <see langword="null"/> means the communicator's timeout.</param>
    /// <returns>The decoded result, on every rank.</returns>
    public static T RunOnRoot<T>(this ICommunicator communicator, int root, Func<T> action, Func<T, byte[]> encode,
        Func<byte[], T> decode, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(encode);
        ArgumentNullException.ThrowIfNull(decode);
        return decode(communicator.RunOnRoot(root, () => encode(action()), timeout));
    }

    /// <summary>
    /// Collective: returns on every rank if no rank failed; otherwise every rank throws the same
    /// <see cref="RootFailedException"/>, carrying the failure of the lowest failing rank. Use it at the end of a
    /// step in which ranks worked independently, so that they leave the step together.
    /// </summary>
    /// <param name="communicator">The ranks that agree.</param>
    /// <param name="localFailure">This rank's failure, or <see langword="null"/>.</param>
    /// <param name="timeout">Bound for each collective; <see langword="null"/> means the communicator's timeout.</param>
    /// <exception cref="RootFailedException">Some rank failed.</exception>
    public static void ThrowIfAnyFailed(this ICommunicator communicator, Exception? localFailure, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        var lowest = communicator.AllReduce(localFailure is null ? int.MaxValue : communicator.Rank, ReduceOperation.Min, timeout);
        if (lowest == int.MaxValue)
            return;
        communicator.RunOnRoot(lowest, () => throw localFailure!, timeout);
    }

    // Failure outcome: byte 1, then int32 rank, then three length-prefixed UTF-8 strings: communicator, type, message.
    private static byte[] EncodeFailure(int rank, string communicator, string type, string text)
    {
        using var stream = new MemoryStream();
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Failed);
            writer.Write(rank);
            writer.Write(communicator);
            writer.Write(type);
            writer.Write(text);
        }
        return stream.ToArray();
    }

    private static (int Rank, string Communicator, string Type, string Message) DecodeFailure(byte[] outcome)
    {
        using var reader = new BinaryReader(new MemoryStream(outcome, 1, outcome.Length - 1), Encoding.UTF8);
        return (reader.ReadInt32(), reader.ReadString(), reader.ReadString(), reader.ReadString());
    }
}
