using System.CommandLine;
using System.Globalization;
using Kiln.Caching;
using Kiln.Cli.Jit;

namespace Kiln.Cli.Cache;

/// <summary>
/// <c>kiln cache stats | clean</c>: the local tier of the action cache (docs/cache.md). The directory is
/// <c>--cache-dir</c>, else <c>$KILN_CACHE_DIR</c>, else the default (<c>$XDG_CACHE_HOME/kiln/actions</c>). Errors print
/// one line and exit with status 1.
/// </summary>
internal static class CacheCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var cacheDir = new Option<string?>("--cache-dir", "-C")
        {
            Description = "The local action cache directory (default: $KILN_CACHE_DIR, else $XDG_CACHE_HOME/kiln/actions or ~/.cache/kiln/actions)",
            Recursive = true,
        };
        var cache = new Command("cache", "Inspect and clean the shared output cache (action cache) of kiln build");
        cache.Add(cacheDir);

        var stats = new Command("stats", "Show the cache's entries and its counters: hits per tier, misses by reason, bytes");
        stats.SetAction(p => Guard(error, () =>
        {
            var local = Open(p.GetValue(cacheDir));
            var entries = local.Entries();
            var s = ActionCacheStatistics.Read(local.Directory);
            var lookups = s.Hits + s.Misses;
            string Line(string name, long value, string? extra = null) =>
                string.Create(CultureInfo.InvariantCulture, $"  {name,-20}{value}{(extra is null ? "" : " " + extra)}");
            output.WriteLine($"Kiln action cache {local.Directory}");
            output.WriteLine(Line("entries", entries.Count, $"({Quantity.FormatSize(entries.Sum(e => e.Bytes))})"));
            output.WriteLine(Line("hits", s.Hits, lookups > 0 ? string.Create(CultureInfo.InvariantCulture, $"({100.0 * s.Hits / lookups:0.#} % of {lookups} look-ups)") : null));
            output.WriteLine(Line("  local", s["hit.local"]));
            output.WriteLine(Line("  redis", s["hit.redis"]));
            output.WriteLine(Line("misses", s.Misses));
            foreach (var (reason, text) in MissReasons)
                output.WriteLine(Line("  " + text, s["miss." + reason]));
            foreach (var other in s.Counters.Keys.Where(k => k.StartsWith("miss.", StringComparison.Ordinal) && MissReasons.All(r => "miss." + r.Reason != k)).Order(StringComparer.Ordinal))
                output.WriteLine(Line("  " + other[5..], s[other]));
            output.WriteLine(Line("stored", s["stored"], $"({Quantity.FormatSize(s["bytes.stored"])})"));
            output.WriteLine(Line("restored bytes", s["bytes.restored"], $"({Quantity.FormatSize(s["bytes.restored"])})"));
            output.WriteLine(Line("evicted", s["evicted"]));
            return 0;
        }));

        var clean = new Command("clean", "Remove every entry of the local cache and its counters (a Redis tier is left alone)");
        clean.SetAction(p => Guard(error, () =>
        {
            var local = Open(p.GetValue(cacheDir));
            var (count, bytes) = local.Clean();
            output.WriteLine($"{count} entries removed, {Quantity.FormatSize(bytes)} freed from {local.Directory}");
            return 0;
        }));

        cache.Add(stats);
        cache.Add(clean);
        return cache;
    }

    /// <summary>The miss reasons of <see cref="ActionCache.LookUpAsync"/> and how stats names them.</summary>
    private static readonly (string Reason, string Text)[] MissReasons =
    [
        ("no-entry", "no entry"),
        ("input-changed", "input changed"),
        ("corrupt", "corrupt entry"),
        ("unavailable", "tier unavailable"),
    ];

    private static LocalActionCache Open(string? directory)
    {
        var environment = Environment.GetEnvironmentVariables().Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(e => (string)e.Key, e => (string?)e.Value ?? "", StringComparer.Ordinal);
        directory ??= environment.TryGetValue("KILN_CACHE_DIR", out var d) && d.Length > 0 ? d : LocalActionCache.DefaultDirectory(environment);
        return new LocalActionCache(directory, long.MaxValue, TimeProvider.System);
    }

    private static int Guard(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine("kiln: error: " + e.Message);
            return 1;
        }
    }
}
