using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace Kiln.Mpi.Native;

/// <summary>
/// An <see cref="ICommunicator"/> over a real MPI communicator that Kiln owns (always a duplicate, so Kiln's messages
/// never mix with the application's).
/// </summary>
/// <remarks>
/// <para><b>Timeouts.</b> MPI has no timed collectives. Barrier, Broadcast and AllReduce start the non-blocking
/// MPI_Ibarrier / MPI_Ibcast / MPI_Iallreduce and poll MPI_Test against a deadline; Send and Receive use MPI_Isend /
/// MPI_Irecv the same way. Duplicate and the splits have no non-blocking form in MPI 3.1 that Kiln can poll
/// portably, so they are gated: a timed MPI_Ibarrier first proves every rank has arrived, then the blocking call runs.</para>
/// <para><b>Memory.</b> Buffers and request slots handed to MPI live in native memory. On a timeout MPI may still
/// write into them (a started collective cannot be cancelled), so they are deliberately leaked and the communicator
/// is marked unusable.</para>
/// <para><b>Polling.</b> MPI_Test also drives MPI's progress engine. The loop yields for the first iterations (fast
/// completion when every rank is present), then sleeps 1 ms between tests so that waiting ranks leave the cores to
/// a rank that compiles.</para>
/// <para><b>Messages.</b> A byte message is an 8-byte little-endian length followed by the bytes in chunks of at most
/// 1 GiB (MPI counts are <c>int</c>); Send and Receive use one tag for both, and MPI's non-overtaking rule keeps them in order.</para>
/// </remarks>
internal sealed unsafe class NativeCommunicator : ICommunicator
{
    private const int ChunkBytes = 1 << 30;
    /// <summary>How long a wait polls with <see cref="Thread.Yield"/> before it sleeps 1 ms between polls.</summary>
    internal static TimeSpan YieldingPhase { get; set; } = ReadYieldingPhase();

    private static TimeSpan ReadYieldingPhase() =>
        double.TryParse(Environment.GetEnvironmentVariable("KILN_MPI_YIELD_MS"), System.Globalization.CultureInfo.InvariantCulture, out var ms)
            ? TimeSpan.FromMilliseconds(ms) : TimeSpan.FromMilliseconds(64);

    private readonly MpiSession _session;
    private readonly NativeMpi _mpi;
    private readonly CommunicatorState _state;
    private nint _handle;

    /// <summary>Wraps <paramref name="handle"/>, which this instance owns and frees.</summary>
    internal NativeCommunicator(MpiSession session, nint handle, string name, TimeSpan timeout)
    {
        _session = session;
        _mpi = session.Mpi;
        _handle = handle;
        int rank, size;
        lock (_mpi.Gate)
        {
            _mpi.CommSetErrorsReturn(handle);
            rank = _mpi.CommRank(handle);
            size = _mpi.CommSize(handle);
        }
        _state = new CommunicatorState(name, rank, size, timeout);
    }

    public int Rank => _state.Rank;
    public int Size => _state.Size;
    public TimeSpan Timeout => _state.Timeout;
    public string Name => _state.Name;

    /// <summary>The MPI handle (Open MPI: a pointer; MPICH: an <c>int</c> widened to <see cref="nint"/>).</summary>
    internal nint Handle => _handle;

    public ICommunicator Duplicate(TimeSpan? timeout = null)
    {
        var deadline = _state.Begin(timeout);
        Gate("Duplicate", deadline);
        nint copy;
        lock (_mpi.Gate)
            copy = _mpi.CommDup(_handle);
        return new NativeCommunicator(_session, copy, Name + "/dup", Timeout);
    }

    public ICommunicator? Split(int color, int key, TimeSpan? timeout = null)
    {
        var deadline = _state.Begin(timeout);
        Gate("Split", deadline);
        nint part;
        lock (_mpi.Gate)
            part = _mpi.CommSplit(_handle, color < 0 ? NativeMpi.Undefined : color, key);
        return part == _mpi.CommNull ? null : new NativeCommunicator(_session, part, $"{Name}/split({color})", Timeout);
    }

    public ICommunicator SplitShared(int key = 0, TimeSpan? timeout = null)
    {
        var deadline = _state.Begin(timeout);
        Gate("SplitShared", deadline);
        nint node;
        lock (_mpi.Gate)
            node = _mpi.CommSplitShared(_handle, key);
        return new NativeCommunicator(_session, node, Name + "/node", Timeout);
    }

    public void Barrier(TimeSpan? timeout = null)
    {
        var deadline = _state.Begin(timeout);
        var request = NewRequest();
        lock (_mpi.Gate)
            _mpi.Ibarrier(_handle, request);
        Wait(request, deadline, "Barrier", "every rank to enter the barrier");
        NativeMemory.Free(request);
    }

    public byte[] Broadcast(byte[]? data, int root, TimeSpan? timeout = null)
    {
        var deadline = _state.Begin(timeout);
        _state.CheckRoot(root);
        var isRoot = Rank == root;
        if (isRoot)
            ArgumentNullException.ThrowIfNull(data);

        var header = (byte*)NativeMemory.AllocZeroed(sizeof(long));
        if (isRoot)
            BinaryPrimitives.WriteInt64LittleEndian(new Span<byte>(header, sizeof(long)), data!.LongLength);
        var request = NewRequest();
        lock (_mpi.Gate)
            _mpi.Ibcast(header, sizeof(long), _mpi.Byte, root, _handle, request);
        Wait(request, deadline, "Broadcast", $"the length of the bytes from root rank {root} (every rank must enter Broadcast)");
        var length = BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(header, sizeof(long)));
        NativeMemory.Free(header);
        if (length < 0 || length > Array.MaxLength)
            throw new MpiException($"Broadcast on communicator '{Name}' rank {Rank}: root rank {root} announced {length} bytes");

        var result = isRoot ? data! : new byte[length];
        for (long offset = 0; offset < length; offset += ChunkBytes)
        {
            var count = (int)Math.Min(ChunkBytes, length - offset);
            var buffer = (byte*)NativeMemory.Alloc((nuint)count);
            if (isRoot)
                data.AsSpan((int)offset, count).CopyTo(new Span<byte>(buffer, count));
            lock (_mpi.Gate)
                _mpi.Ibcast(buffer, count, _mpi.Byte, root, _handle, request);
            Wait(request, deadline, "Broadcast", $"{length} bytes from root rank {root} (received {offset})");
            if (!isRoot)
                new ReadOnlySpan<byte>(buffer, count).CopyTo(result.AsSpan((int)offset, count));
            NativeMemory.Free(buffer);
        }
        NativeMemory.Free(request);
        return result;
    }

    public int AllReduce(int value, ReduceOperation operation, TimeSpan? timeout = null) =>
        (int)Reduce(value, operation, _mpi.Int, sizeof(int), "AllReduce(int)", timeout);

    public long AllReduce(long value, ReduceOperation operation, TimeSpan? timeout = null) =>
        Reduce(value, operation, _mpi.Int64, sizeof(long), "AllReduce(long)", timeout);

    private long Reduce(long value, ReduceOperation operation, nint datatype, int width, string name, TimeSpan? timeout)
    {
        var deadline = _state.Begin(timeout);
        var op = _mpi.Op(operation);
        var buffers = (byte*)NativeMemory.AllocZeroed(2 * sizeof(long));
        if (width == sizeof(int))
            *(int*)buffers = (int)value;
        else
            *(long*)buffers = value;
        var request = NewRequest();
        lock (_mpi.Gate)
            _mpi.Iallreduce(buffers, buffers + sizeof(long), 1, datatype, op, _handle, request);
        Wait(request, deadline, name, $"every rank's value for the {operation} reduction");
        var result = width == sizeof(int) ? *(int*)(buffers + sizeof(long)) : *(long*)(buffers + sizeof(long));
        NativeMemory.Free(buffers);
        NativeMemory.Free(request);
        return result;
    }

    public void Send(byte[] data, int destination, int tag, TimeSpan? timeout = null)
    {
        var deadline = _state.Begin(timeout);
        ArgumentNullException.ThrowIfNull(data);
        _state.CheckPeer(destination, nameof(destination));
        CommunicatorState.CheckTag(tag);
        var header = (byte*)NativeMemory.Alloc(sizeof(long));
        BinaryPrimitives.WriteInt64LittleEndian(new Span<byte>(header, sizeof(long)), data.LongLength);
        var request = NewRequest();
        lock (_mpi.Gate)
            _mpi.Isend(header, sizeof(long), _mpi.Byte, destination, tag, _handle, request);
        Wait(request, deadline, "Send", $"rank {destination} to receive the length of a message with tag {tag}");
        NativeMemory.Free(header);
        for (long offset = 0; offset < data.LongLength; offset += ChunkBytes)
        {
            var count = (int)Math.Min(ChunkBytes, data.LongLength - offset);
            var buffer = (byte*)NativeMemory.Alloc((nuint)count);
            data.AsSpan((int)offset, count).CopyTo(new Span<byte>(buffer, count));
            lock (_mpi.Gate)
                _mpi.Isend(buffer, count, _mpi.Byte, destination, tag, _handle, request);
            Wait(request, deadline, "Send", $"rank {destination} to receive {data.LongLength} bytes with tag {tag} (sent {offset})");
            NativeMemory.Free(buffer);
        }
        NativeMemory.Free(request);
    }

    public byte[] Receive(int source, int tag, TimeSpan? timeout = null)
    {
        var deadline = _state.Begin(timeout);
        _state.CheckPeer(source, nameof(source));
        CommunicatorState.CheckTag(tag);
        var header = (byte*)NativeMemory.AllocZeroed(sizeof(long));
        var request = NewRequest();
        lock (_mpi.Gate)
            _mpi.Irecv(header, sizeof(long), _mpi.Byte, source, tag, _handle, request);
        Wait(request, deadline, "Receive", $"a message with tag {tag} from rank {source}");
        var length = BinaryPrimitives.ReadInt64LittleEndian(new ReadOnlySpan<byte>(header, sizeof(long)));
        NativeMemory.Free(header);
        if (length < 0 || length > Array.MaxLength)
            throw new MpiException($"Receive on communicator '{Name}' rank {Rank}: rank {source} announced {length} bytes with tag {tag}");
        var result = new byte[length];
        for (long offset = 0; offset < length; offset += ChunkBytes)
        {
            var count = (int)Math.Min(ChunkBytes, length - offset);
            var buffer = (byte*)NativeMemory.Alloc((nuint)count);
            lock (_mpi.Gate)
                _mpi.Irecv(buffer, count, _mpi.Byte, source, tag, _handle, request);
            Wait(request, deadline, "Receive", $"{length} bytes with tag {tag} from rank {source} (received {offset})");
            new ReadOnlySpan<byte>(buffer, count).CopyTo(result.AsSpan((int)offset, count));
            NativeMemory.Free(buffer);
        }
        NativeMemory.Free(request);
        return result;
    }

    public void Dispose()
    {
        if (_state.IsDisposed)
            return;
        _state.MarkDisposed();
        // A communicator with a collective still pending (after a timeout) is left alone: freeing it is erroneous.
        if (_state.IsUnusable || _handle == _mpi.CommNull)
            return;
        lock (_mpi.Gate)
        {
            if (!_session.CanCallMpi)
                return;
            _mpi.CommFree(_handle);
            _handle = _mpi.CommNull;
        }
    }

    /// <summary>A timed MPI_Ibarrier before a blocking collective that MPI cannot time out.</summary>
    private void Gate(string operation, Deadline deadline)
    {
        var request = NewRequest();
        lock (_mpi.Gate)
            _mpi.Ibarrier(_handle, request);
        Wait(request, deadline, operation, $"every rank to enter {operation}");
        NativeMemory.Free(request);
    }

    private static void* NewRequest() => NativeMemory.AllocZeroed((nuint)sizeof(nint));

    private void Wait(void* request, Deadline deadline, string operation, string waitedFor)
    {
        if (Poll(_mpi, request, deadline))
            return;
        var error = new MpiTimeoutException(operation, Name, Rank, Size, waitedFor, deadline.Timeout);
        _state.MarkUnusable(error.Message);
        _session.NoteTimeout();
        throw error;
    }

    /// <summary>Polls MPI_Test until the request completes (true) or the deadline passes (false).</summary>
    internal static bool Poll(NativeMpi mpi, void* request, Deadline deadline)
    {
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var yielding = YieldingPhase;
        while (true)
        {
            bool done;
            lock (mpi.Gate)
                done = mpi.Test(request);
            if (done)
                return true;
            if (deadline.HasExpired)
                return false;
            if (System.Diagnostics.Stopwatch.GetElapsedTime(started) < yielding)
                Thread.Yield();
            else
                Thread.Sleep(1);
        }
    }

    /// <summary>
    /// Duplicates an application's communicator after a timed MPI_Ibarrier on it (a collective the application's
    /// ranks must reach anyway, since MPI_Comm_dup is collective). The application's handle is never changed.
    /// </summary>
    internal static NativeCommunicator DuplicateForeign(MpiSession session, nint handle, string name, TimeSpan timeout)
    {
        var mpi = session.Mpi;
        var deadline = Deadline.Start(timeout);
        int rank, size;
        var request = NewRequest();
        lock (mpi.Gate)
        {
            rank = mpi.CommRank(handle);
            size = mpi.CommSize(handle);
            mpi.Ibarrier(handle, request);
        }
        if (!Poll(mpi, request, deadline))
        {
            session.NoteTimeout();
            throw new MpiTimeoutException("Adopt", name, rank, size, "every rank of the application's communicator to enter Adopt", timeout);
        }
        NativeMemory.Free(request);
        nint copy;
        lock (mpi.Gate)
            copy = mpi.CommDup(handle);
        return new NativeCommunicator(session, copy, name, session.DefaultTimeout);
    }
}
