using System.Collections.Concurrent;

namespace Kiln.Jit.Cache;

/// <summary>Hits counted in memory (a hit must not pay for a locked file update) and added to <c>stats.txt</c> with the
/// next miss in the same cache, by <c>Flush</c>, and at process exit.</summary>
internal static class PendingStatistics
{
    private static readonly ConcurrentDictionary<string, long> Hits = new(StringComparer.Ordinal);
    private static int _registered;

    public static void Hit(CacheLayout layout)
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
            AppDomain.CurrentDomain.ProcessExit += (_, _) => FlushAll();
        Hits.AddOrUpdate(layout.Root, 1, (_, n) => n + 1);
    }

    public static CacheStatistics Drain(CacheLayout layout) =>
        Hits.TryRemove(layout.Root, out var n) && n > 0 ? CacheStatistics.Zero with { Hits = n } : CacheStatistics.Zero;

    public static void FlushAll()
    {
        foreach (var root in Hits.Keys.ToList())
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
}
