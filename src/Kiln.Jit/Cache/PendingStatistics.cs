namespace Kiln.Jit.Cache;

/// <summary>
/// Statistics gathered in memory and added to <c>stats.txt</c> off the request's critical path: a miss schedules a
/// background flush, hits wait for the next flush; <see cref="FlushAll"/> (also run at process exit and by
/// <c>JitCache.Statistics</c>) writes everything pending and waits for a flush in progress. A process killed with
/// SIGKILL loses what it had not flushed.
/// </summary>
internal static class PendingStatistics
{
    // Reference-type values: no value-type generic instantiation for a fresh process to JIT-compile on its first hit.
    // Keyed by the layout, compared by root and file system: a flush writes where the counts were gathered.
    private static readonly Dictionary<CacheLayout, CacheStatistics> Pending = new(ByPlace.Instance);
    private static readonly Lock Gate = new();
    private static readonly Lock FlushGate = new();
    private static bool _registered;

    public static void Hit(CacheLayout layout) => Record(layout, OneHit);

    /// <summary>A hit served from a shared cache, counted in the writable cache <paramref name="layout"/>.</summary>
    public static void SharedHit(CacheLayout layout) => Record(layout, OneSharedHit);

    public static void Record(CacheLayout layout, CacheStatistics delta)
    {
        lock (Gate)
        {
            if (!_registered)
            {
                _registered = true;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => FlushAll();
            }
            Pending[layout] = Pending.TryGetValue(layout, out var sum) ? sum.Add(delta) : delta;
        }
    }

    public static void ScheduleFlush() => _ = Task.Run(FlushAll, CancellationToken.None);

    public static void FlushAll()
    {
        lock (FlushGate)
        {
            List<KeyValuePair<CacheLayout, CacheStatistics>> batch;
            lock (Gate)
            {
                batch = [.. Pending];
                Pending.Clear();
            }
            foreach (var (layout, delta) in batch)
            {
                try
                {
                    StatisticsStore.Add(layout, delta);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Statistics are best effort; a read-only cache keeps none.
                }
            }
        }
    }

    private sealed class ByPlace : IEqualityComparer<CacheLayout>
    {
        public static readonly ByPlace Instance = new();

        public bool Equals(CacheLayout? x, CacheLayout? y) =>
            string.Equals(x?.Root, y?.Root, StringComparison.Ordinal) && ReferenceEquals(x?.Files, y?.Files);

        public int GetHashCode(CacheLayout obj) => StringComparer.Ordinal.GetHashCode(obj.Root);
    }

    private static readonly CacheStatistics OneHit = CacheStatistics.Zero with { Hits = 1 };
    private static readonly CacheStatistics OneSharedHit = CacheStatistics.Zero with { Hits = 1, SharedHits = 1 };
}
