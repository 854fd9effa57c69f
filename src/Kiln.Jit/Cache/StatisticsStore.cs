using System.Globalization;
using System.Text;

namespace Kiln.Jit.Cache;

/// <summary>
/// Reads and adds to <c>stats.txt</c> (<c>name value</c> lines). Additions take <c>locks/stats.lock</c> (flock), read,
/// add, and replace the file by rename, so concurrent processes never lose each other's counts. Hits are gathered in
/// memory and added on the next miss and at process exit (a process killed with SIGKILL loses its unflushed hits).
/// </summary>
internal static class StatisticsStore
{
    public static CacheStatistics Read(CacheLayout layout)
    {
        if (!layout.Files.FileExists(layout.StatsFile))
            return CacheStatistics.Zero;
        long hits = 0, sharedHits = 0, misses = 0, compiles = 0, failures = 0, bytes = 0, rebuilds = 0, evictions = 0;
        double seconds = 0;
        foreach (var line in layout.Files.ReadAllText(layout.StatsFile).Split('\n'))
        {
            var parts = line.Split(' ', 2);
            if (parts.Length != 2)
                continue;
            var v = parts[1];
            switch (parts[0])
            {
                case "hits": _ = long.TryParse(v, CultureInfo.InvariantCulture, out hits); break;
                case "shared-hits": _ = long.TryParse(v, CultureInfo.InvariantCulture, out sharedHits); break;
                case "misses": _ = long.TryParse(v, CultureInfo.InvariantCulture, out misses); break;
                case "compiles": _ = long.TryParse(v, CultureInfo.InvariantCulture, out compiles); break;
                case "compile-failures": _ = long.TryParse(v, CultureInfo.InvariantCulture, out failures); break;
                case "compile-seconds": _ = double.TryParse(v, CultureInfo.InvariantCulture, out seconds); break;
                case "bytes-built": _ = long.TryParse(v, CultureInfo.InvariantCulture, out bytes); break;
                case "rebuilds": _ = long.TryParse(v, CultureInfo.InvariantCulture, out rebuilds); break;
                case "evictions": _ = long.TryParse(v, CultureInfo.InvariantCulture, out evictions); break;
                default: break;
            }
        }
        return new CacheStatistics(hits, misses, compiles, failures, seconds, bytes, rebuilds, evictions) { SharedHits = sharedHits };
    }

    public static void Add(CacheLayout layout, CacheStatistics delta)
    {
        if (delta.IsZero)
            return;
        // A cache used only through shared hits may not exist yet: its statistics are still kept.
        layout.Files.CreateDirectory(layout.Locks);
        layout.Files.CreateDirectory(layout.Tmp);
        using var statsLock = layout.Files.OpenLock(Path.Combine(layout.Locks, "stats.lock"));
        _ = statsLock.Lock();
        var sum = Read(layout).Add(delta);
        layout.WriteAtomically(layout.StatsFile, Format(sum));
    }

    public static void Reset(CacheLayout layout)
    {
        layout.Files.DeleteFile(layout.StatsFile);
    }

    private static string Format(CacheStatistics s)
    {
        var b = new StringBuilder();
        b.Append(CultureInfo.InvariantCulture, $"hits {s.Hits}\n");
        b.Append(CultureInfo.InvariantCulture, $"shared-hits {s.SharedHits}\n");
        b.Append(CultureInfo.InvariantCulture, $"misses {s.Misses}\n");
        b.Append(CultureInfo.InvariantCulture, $"compiles {s.Compiles}\n");
        b.Append(CultureInfo.InvariantCulture, $"compile-failures {s.CompileFailures}\n");
        b.Append(CultureInfo.InvariantCulture, $"compile-seconds {s.CompileSeconds:0.######}\n");
        b.Append(CultureInfo.InvariantCulture, $"bytes-built {s.BytesBuilt}\n");
        b.Append(CultureInfo.InvariantCulture, $"rebuilds {s.Rebuilds}\n");
        b.Append(CultureInfo.InvariantCulture, $"evictions {s.Evictions}\n");
        return b.ToString();
    }
}
