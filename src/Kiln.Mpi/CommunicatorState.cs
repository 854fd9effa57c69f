namespace Kiln.Mpi;

/// <summary>
/// Checks shared by every <see cref="ICommunicator"/> implementation: arguments, disposal, and the "unusable after a
/// timeout" rule (a started MPI collective cannot be cancelled, so a communicator that timed out must not be used).
/// </summary>
internal sealed class CommunicatorState(string name, int rank, int size, TimeSpan timeout)
{
    /// <summary>Largest tag Kiln uses; MPI guarantees at least 32767 (MPI_TAG_UB).</summary>
    public const int MaxTag = 32767;

    private string? _unusableBecause;
    private bool _disposed;

    public string Name { get; } = name;
    public int Rank { get; } = rank;
    public int Size { get; } = size;
    public TimeSpan Timeout { get; } = ValidTimeout(timeout, nameof(timeout));

    public bool IsUnusable => _unusableBecause is not null;

    public bool IsDisposed => _disposed;

    public static TimeSpan ValidTimeout(TimeSpan timeout, string parameter) =>
        timeout >= TimeSpan.Zero || timeout == System.Threading.Timeout.InfiniteTimeSpan
            ? timeout
            : throw new ArgumentOutOfRangeException(parameter, timeout, "a timeout is non-negative or Timeout.InfiniteTimeSpan");

    /// <summary>Starts an operation: throws if disposed or unusable; returns the deadline.</summary>
    public Deadline Begin(TimeSpan? timeout)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_unusableBecause is not null)
            throw new MpiException($"communicator '{Name}' is unusable on rank {Rank}: {_unusableBecause}");
        return Deadline.Start(timeout is { } t ? ValidTimeout(t, nameof(timeout)) : Timeout);
    }

    /// <summary>Records that the communicator must not be used again.</summary>
    public void MarkUnusable(string because) => _unusableBecause ??= because;

    public void MarkDisposed() => _disposed = true;

    public void CheckRoot(int root)
    {
        if (root < 0 || root >= Size)
            throw new ArgumentOutOfRangeException(nameof(root), root, $"root must be a rank of communicator '{Name}' (0..{Size - 1})");
    }

    public void CheckPeer(int peer, string parameter)
    {
        if (peer < 0 || peer >= Size || peer == Rank)
            throw new ArgumentOutOfRangeException(parameter, peer, $"{parameter} must be another rank of communicator '{Name}' (0..{Size - 1}, not {Rank})");
    }

    public static void CheckTag(int tag)
    {
        if (tag < 0 || tag > MaxTag)
            throw new ArgumentOutOfRangeException(nameof(tag), tag, $"a tag is in 0..{MaxTag}");
    }
}
