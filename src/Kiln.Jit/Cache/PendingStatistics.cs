namespace Kiln.Jit.Cache;

/// <summary>Hits counted in memory (a hit must not pay for a locked file update) and added to <c>stats.txt</c> with the
/// next miss in the same cache, by <see cref="FlushAll"/>, and at process exit.</summary>
internal static class PendingStatistics
{
    // A plain dictionary under a lock with a reference-type counter: no value-type generic instantiation that a fresh
    // process would have to JIT-compile on its first hit (measured: ~0.8 ms for ConcurrentDictionary<string,long>.AddOrUpdate).
    private static readonly Dictionary<string, Counter> Hits = new(StringComparer.Ordinal);
    private static readonly Lock Gate = new();
    private static bool _registered;

    public static void Hit(CacheLayout layout)
    {
        lock (Gate)
        {
            if (!_registered)
            {
                _registered = true;
                AppDomain.CurrentDomain.ProcessExit += (_, _) => FlushAll();
            }
            if (!Hits.TryGetValue(layout.Root, out var counter))
                Hits[layout.Root] = counter = new Counter();
            counter.Value++;
        }
    }

    public static CacheStatistics Drain(CacheLayout layout)
    {
        lock (Gate)
        {
            if (!Hits.Remove(layout.Root, out var counter) || counter.Value == 0)
                return CacheStatistics.Zero;
            return CacheStatistics.Zero with { Hits = counter.Value };
        }
    }

    public static void FlushAll()
    {
        List<string> roots;
        lock (Gate)
            roots = [.. Hits.Keys];
        foreach (var root in roots)
        {
            var layout = new CacheLayout(root);
            try
            {
                StatisticsStore.Add(layout, Drain(layout));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Statistics are best effort; a read-only cache keeps none.
            }
        }
    }

    private sealed class Counter
    {
        public long Value;
    }
}
