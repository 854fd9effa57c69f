using System.Diagnostics;

namespace Kiln.Mpi;

/// <summary>A point in monotonic time after which a wait gives up; <see cref="Timeout.InfiniteTimeSpan"/> never expires.</summary>
internal readonly struct Deadline
{
    private readonly long _start;

    private Deadline(TimeSpan timeout)
    {
        if (timeout < TimeSpan.Zero && timeout != System.Threading.Timeout.InfiniteTimeSpan)
            throw new ArgumentOutOfRangeException(nameof(timeout), timeout, "a timeout is non-negative or Timeout.InfiniteTimeSpan");
        Timeout = timeout;
        _start = Stopwatch.GetTimestamp();
    }

    /// <summary>The timeout this deadline was started with.</summary>
    public TimeSpan Timeout { get; }

    public bool IsInfinite => Timeout == System.Threading.Timeout.InfiniteTimeSpan;

    public static Deadline Start(TimeSpan timeout) => new(timeout);

    public bool HasExpired => !IsInfinite && Stopwatch.GetElapsedTime(_start) >= Timeout;

    /// <summary>Time left (zero once expired, <see cref="System.Threading.Timeout.InfiniteTimeSpan"/> if infinite).</summary>
    public TimeSpan Remaining
    {
        get
        {
            if (IsInfinite)
                return System.Threading.Timeout.InfiniteTimeSpan;
            var left = Timeout - Stopwatch.GetElapsedTime(_start);
            return left > TimeSpan.Zero ? left : TimeSpan.Zero;
        }
    }
}
