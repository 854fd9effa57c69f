namespace Kiln.Mpi.InProcess;

/// <summary>
/// The state one in-process communicator's ranks share: collective slots by sequence number and point-to-point
/// mailboxes. One monitor guards everything; waiters use <see cref="Monitor.Wait(object, TimeSpan)"/> and every
/// change pulses all of them (fine for the handful of threads a test runs).
/// </summary>
internal sealed class InProcessGroup
{
    private readonly Dictionary<long, CollectiveSlot> _slots = [];
    private readonly Dictionary<(int Source, int Destination, int Tag), Queue<byte[]>> _mailboxes = [];

    public InProcessGroup(string name, int[] nodeOfRank)
    {
        Name = name;
        NodeOfRank = nodeOfRank;
    }

    public object Gate { get; } = new();

    public string Name { get; }

    public int Size => NodeOfRank.Length;

    /// <summary>Simulated node (shared-memory domain) of each rank, for <c>SplitShared</c>.</summary>
    public int[] NodeOfRank { get; }

    /// <summary>
    /// Contributes <paramref name="contribution"/> to collective number <paramref name="sequence"/> and waits for
    /// the result, which the last arriving rank computes with <paramref name="combine"/>.
    /// </summary>
    public object? Collective(long sequence, string operation, int rank, object? contribution,
        Func<object?[], object?> combine, Deadline deadline, Func<string> describeWait, int size)
    {
        lock (Gate)
        {
            if (!_slots.TryGetValue(sequence, out var slot))
            {
                slot = new CollectiveSlot(operation, Size);
                _slots.Add(sequence, slot);
            }
            if (slot.Operation != operation)
                throw new MpiException($"collective mismatch on communicator '{Name}': rank {rank} called {operation} as collective #{sequence} while another rank called {slot.Operation}");
            slot.Contributions[rank] = contribution;
            slot.Arrived++;
            if (slot.Arrived == Size)
            {
                try
                {
                    slot.Result = combine(slot.Contributions);
                }
                catch (MpiException e)
                {
                    slot.Error = e;
                }
                slot.Complete = true;
                Monitor.PulseAll(Gate);
            }
            while (!slot.Complete)
            {
                var remaining = deadline.Remaining;
                if (remaining == TimeSpan.Zero)
                    throw new MpiTimeoutException(operation, Name, rank, size, describeWait(), deadline.Timeout);
                Monitor.Wait(Gate, remaining == Timeout.InfiniteTimeSpan ? Timeout.InfiniteTimeSpan : remaining);
            }
            if (++slot.Collected == Size)
                _slots.Remove(sequence);
            if (slot.Error is not null)
                throw new MpiException(slot.Error.Message, slot.Error);
            return slot.Result;
        }
    }

    public void Post(int source, int destination, int tag, byte[] data)
    {
        lock (Gate)
        {
            if (!_mailboxes.TryGetValue((source, destination, tag), out var queue))
                _mailboxes.Add((source, destination, tag), queue = new Queue<byte[]>());
            queue.Enqueue(data);
            Monitor.PulseAll(Gate);
        }
    }

    public byte[] Take(int source, int destination, int tag, Deadline deadline, int size)
    {
        lock (Gate)
        {
            while (true)
            {
                if (_mailboxes.TryGetValue((source, destination, tag), out var queue) && queue.Count > 0)
                    return queue.Dequeue();
                var remaining = deadline.Remaining;
                if (remaining == TimeSpan.Zero)
                    throw new MpiTimeoutException("Receive", Name, destination, size, $"a message with tag {tag} from rank {source}", deadline.Timeout);
                Monitor.Wait(Gate, remaining);
            }
        }
    }

    private sealed class CollectiveSlot(string operation, int size)
    {
        public string Operation { get; } = operation;
        public object?[] Contributions { get; } = new object?[size];
        public int Arrived { get; set; }
        public int Collected { get; set; }
        public bool Complete { get; set; }
        public object? Result { get; set; }
        public MpiException? Error { get; set; }
    }
}
