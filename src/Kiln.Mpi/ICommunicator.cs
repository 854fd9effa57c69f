namespace Kiln.Mpi;

/// <summary>
/// A group of ranks that Kiln coordinates: exactly the operations distributed JIT needs (agree on hit/miss by
/// reduction, broadcast a build outcome, ship library bytes to directory leaders), each bounded by a timeout.
/// </summary>
/// <remarks>
/// <para>Every operation except <see cref="Rank"/>, <see cref="Size"/> and <see cref="IDisposable.Dispose"/> is
/// collective or point-to-point and blocks the calling thread until it completes or until its timeout elapses. A
/// timeout of <see langword="null"/> means <see cref="Timeout"/>; <see cref="System.Threading.Timeout.InfiniteTimeSpan"/>
/// waits forever.</para>
/// <para>A timeout ends in <see cref="MpiTimeoutException"/> and makes the communicator unusable: MPI cannot cancel
/// a started collective, so later operations on it throw <see cref="MpiException"/> instead of mismatching.</para>
/// <para>Collectives must be called by every rank in the same order (MPI's rule). Never call one inside a branch
/// that depends on the rank's own state; agree on the branch first (<see cref="Collective.AllTrue(ICommunicator, bool, TimeSpan?)"/>).</para>
/// <para>An instance is not thread-safe: one thread at a time uses a given communicator.</para>
/// </remarks>
public interface ICommunicator : IDisposable
{
    /// <summary>This process's rank in the communicator, 0 ≤ Rank &lt; Size.</summary>
    int Rank { get; }

    /// <summary>Number of ranks in the communicator.</summary>
    int Size { get; }

    /// <summary>The timeout used by operations that are not given one; inherited by derived communicators.</summary>
    TimeSpan Timeout { get; }

    /// <summary>A short description for messages, e.g. <c>world</c> or <c>world/split(3)</c>.</summary>
    string Name { get; }

    /// <summary>Collective: a new communicator with the same ranks whose messages never mix with this one's.</summary>
    /// <param name="timeout">Bound for the whole operation; <see langword="null"/> means <see cref="Timeout"/>.</param>
    /// <returns>The duplicate; the caller disposes it.</returns>
    ICommunicator Duplicate(TimeSpan? timeout = null);

    /// <summary>
    /// Collective: partitions the ranks by <paramref name="color"/>; within a part, ranks are ordered by
    /// <paramref name="key"/>, then by rank in this communicator (MPI_Comm_split).
    /// </summary>
    /// <param name="color">Non-negative part number, or a negative value to take part in no new communicator.</param>
    /// <param name="key">Ordering key within the part.</param>
    /// <param name="timeout">Bound for the whole operation; <see langword="null"/> means <see cref="Timeout"/>.</param>
    /// <returns>The communicator of this rank's part, or <see langword="null"/> when <paramref name="color"/> is negative.</returns>
    ICommunicator? Split(int color, int key, TimeSpan? timeout = null);

    /// <summary>
    /// Collective: partitions the ranks into groups that can share memory, i.e. one group per node
    /// (MPI_Comm_split_type with MPI_COMM_TYPE_SHARED), ordered by <paramref name="key"/> then rank.
    /// </summary>
    /// <param name="key">Ordering key within the node.</param>
    /// <param name="timeout">Bound for the whole operation; <see langword="null"/> means <see cref="Timeout"/>.</param>
    /// <returns>The communicator of this rank's node; the caller disposes it.</returns>
    ICommunicator SplitShared(int key = 0, TimeSpan? timeout = null);

    /// <summary>Collective: returns once every rank has entered the barrier.</summary>
    /// <param name="timeout">Bound for the wait; <see langword="null"/> means <see cref="Timeout"/>.</param>
    void Barrier(TimeSpan? timeout = null);

    /// <summary>Collective: every rank receives the bytes that <paramref name="root"/> passes.</summary>
    /// <param name="data">The bytes on the root (required there); ignored on the other ranks (pass <see langword="null"/>).</param>
    /// <param name="root">Rank whose bytes are broadcast.</param>
    /// <param name="timeout">Bound for the whole operation; <see langword="null"/> means <see cref="Timeout"/>.</param>
    /// <returns>A copy of the root's bytes on every rank (the root gets its own array back).</returns>
    byte[] Broadcast(byte[]? data, int root, TimeSpan? timeout = null);

    /// <summary>Collective: combines one <see cref="int"/> per rank; every rank gets the result.</summary>
    /// <param name="value">This rank's contribution.</param>
    /// <param name="operation">How the contributions are combined.</param>
    /// <param name="timeout">Bound for the wait; <see langword="null"/> means <see cref="Timeout"/>.</param>
    /// <returns>The combined value (the sum wraps on overflow, as in MPI).</returns>
    int AllReduce(int value, ReduceOperation operation, TimeSpan? timeout = null);

    /// <summary>Collective: combines one <see cref="long"/> per rank; every rank gets the result.</summary>
    /// <param name="value">This rank's contribution.</param>
    /// <param name="operation">How the contributions are combined.</param>
    /// <param name="timeout">Bound for the wait; <see langword="null"/> means <see cref="Timeout"/>.</param>
    /// <returns>The combined value (the sum wraps on overflow, as in MPI).</returns>
    long AllReduce(long value, ReduceOperation operation, TimeSpan? timeout = null);

    /// <summary>Sends bytes to one rank; completes when the bytes are handed over (buffered or received).</summary>
    /// <param name="data">The bytes to send.</param>
    /// <param name="destination">Receiving rank (not this rank).</param>
    /// <param name="tag">Message tag, 0 ≤ tag ≤ 32767; the receiver names the same tag.</param>
    /// <param name="timeout">Bound for the whole operation; <see langword="null"/> means <see cref="Timeout"/>.</param>
    void Send(byte[] data, int destination, int tag, TimeSpan? timeout = null);

    /// <summary>Receives the next message with <paramref name="tag"/> from <paramref name="source"/>; messages
    /// between two ranks with the same tag arrive in the order they were sent.</summary>
    /// <param name="source">Sending rank (not this rank).</param>
    /// <param name="tag">Message tag, 0 ≤ tag ≤ 32767.</param>
    /// <param name="timeout">Bound for the whole operation; <see langword="null"/> means <see cref="Timeout"/>.</param>
    /// <returns>The message's bytes.</returns>
    byte[] Receive(int source, int tag, TimeSpan? timeout = null);
}
