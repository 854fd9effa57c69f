namespace Kiln.Jit.Cache;

/// <summary>Persisted counters of one cache directory (<c>stats.txt</c>), summed over every process that used it.</summary>
/// <param name="Hits">Requests answered from disk (first request of a key in a process), including those answered from a
/// shared cache (<see cref="SharedHits"/>). In-process memo hits are not counted: they never touch the disk.</param>
/// <param name="Misses">Requests that found no usable entry.</param>
/// <param name="Compiles">Compiler runs (successful or not).</param>
/// <param name="CompileFailures">Compiler runs that failed.</param>
/// <param name="CompileSeconds">Wall seconds spent in the compiler.</param>
/// <param name="BytesBuilt">Bytes of libraries published.</param>
/// <param name="Rebuilds">Corrupt or truncated entries found, quarantined and rebuilt.</param>
/// <param name="Evictions">Entries removed by size or age eviction.</param>
public sealed record CacheStatistics(long Hits, long Misses, long Compiles, long CompileFailures, double CompileSeconds,
    long BytesBuilt, long Rebuilds, long Evictions)
{
    /// <summary>All zero.</summary>
    public static CacheStatistics Zero { get; } = new(0, 0, 0, 0, 0, 0, 0, 0);

    /// <summary>Of <see cref="Hits"/>, those answered from a read-only shared cache (counted in the writable cache's
    /// statistics, since nothing is written into a shared cache).</summary>
    public long SharedHits { get; init; }

    /// <summary>Field-wise sum.</summary>
    /// <param name="other">The counters to add.</param>
    public CacheStatistics Add(CacheStatistics other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Hits + other.Hits, Misses + other.Misses, Compiles + other.Compiles, CompileFailures + other.CompileFailures,
            CompileSeconds + other.CompileSeconds, BytesBuilt + other.BytesBuilt, Rebuilds + other.Rebuilds, Evictions + other.Evictions)
        {
            SharedHits = SharedHits + other.SharedHits,
        };
    }

    /// <summary>True when every counter is zero.</summary>
    public bool IsZero => this == Zero;
}
