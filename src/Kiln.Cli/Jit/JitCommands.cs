using System.CommandLine;
using System.Globalization;
using Kiln.Jit;
using Kiln.Jit.Cache;
using Kiln.Toolchain;

namespace Kiln.Cli.Jit;

/// <summary>
/// <c>kiln jit show | stats | grep | verify | evict | clean</c>: thin front ends over <see cref="JitCache"/>. Errors
/// print one line (<c>kiln: error: …</c>) and exit with status 1; no stack traces.
/// </summary>
internal static class JitCommands
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var cacheDir = new Option<string?>("--cache-dir", "-C")
        {
            Description = "The JIT cache directory (default: $KILN_JIT_CACHE, else $XDG_CACHE_HOME/kiln/jit or ~/.cache/kiln/jit)",
            Recursive = true,
        };
        var jit = new Command("jit", "Inspect and maintain the JIT cache of shared libraries");
        jit.Add(cacheDir);

        var files = new Option<bool>("--files") { Description = "List every file of every entry" };
        var show = new Command("show", "List the cache's entries, least recently used first") { files };
        show.SetAction(p => Guard(error, () =>
        {
            var cache = JitCache.Open(p.GetValue(cacheDir));
            var entries = cache.Entries();
            output.WriteLine($"Kiln JIT cache {cache.Directory}: {entries.Count} entries, {Quantity.FormatSize(entries.Sum(e => e.Bytes))}");
            foreach (var shared in cache.SharedDirectories)
                output.WriteLine($"  shared (read-only) cache {shared}: {JitCache.CountEntries(shared)} entries (list them with -C)");
            foreach (var e in entries)
            {
                output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {e.LastUsed:yyyy-MM-dd HH:mm}  {Quantity.FormatSize(e.Bytes),10}  {e.Key[..12]}  {e.Signature}"));
                if (p.GetValue(files))
                {
                    foreach (var f in new[] { e.LibraryPath }.Concat(Directory.EnumerateFiles(cache.Directory, e.Key + "*", SearchOption.AllDirectories)).Distinct().Order(StringComparer.Ordinal))
                        output.WriteLine("      " + f);
                }
            }
            return 0;
        }));

        var stats = new Command("stats", "Show persisted statistics: hits, misses, compile seconds, bytes");
        stats.SetAction(p => Guard(error, () =>
        {
            var cache = JitCache.Open(p.GetValue(cacheDir));
            var s = cache.Statistics();
            var entries = cache.Entries();
            var requests = s.Hits + s.Misses;
            output.WriteLine($"Kiln JIT cache {cache.Directory}");
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  entries           {entries.Count} ({Quantity.FormatSize(entries.Sum(e => e.Bytes))})"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  hits              {s.Hits}{(requests > 0 ? $" ({100.0 * s.Hits / requests:0.#} %)" : "")}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  of them shared    {s.SharedHits}"));
            foreach (var shared in cache.SharedDirectories)
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  shared cache      {shared} ({JitCache.CountEntries(shared)} entries, read-only)"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  misses            {s.Misses}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  compiles          {s.Compiles} ({s.CompileFailures} failed)"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  compile seconds   {s.CompileSeconds:0.###}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  bytes built       {s.BytesBuilt} ({Quantity.FormatSize(s.BytesBuilt)})"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  corrupt, rebuilt  {s.Rebuilds}"));
            output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  evictions         {s.Evictions}"));
            return 0;
        }));

        var pattern = new Argument<string>("pattern") { Description = "Text to search for (a .NET regular expression with --regex)" };
        var regex = new Option<bool>("--regex", "-E") { Description = "Treat the pattern as a regular expression" };
        var count = new Option<bool>("--count", "-c") { Description = "Print only the number of matching lines per file" };
        var filesOnly = new Option<bool>("--files-with-matches", "-l") { Description = "Print only the names of matching files" };
        var grep = new Command("grep", "Search the cached headers and sources (compressed sources too)") { pattern, regex, count, filesOnly };
        grep.SetAction(p => Guard(error, () =>
        {
            var matches = JitCache.Open(p.GetValue(cacheDir)).Grep(p.GetValue(pattern)!, p.GetValue(regex));
            foreach (var group in matches.GroupBy(m => m.File))
            {
                if (p.GetValue(filesOnly))
                    output.WriteLine(group.Key);
                else if (p.GetValue(count))
                    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{group.Key}: {group.Count()}"));
                else
                    foreach (var m in group)
                        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{m.File}:{m.LineNumber}: {m.Line}"));
            }
            return matches.Count > 0 ? 0 : 1;
        }));

        var repair = new Option<bool>("--repair") { Description = "Remove corrupt entries (the next request rebuilds them)" };
        var verify = new Command("verify", "Check every entry: manifest, headers, library size and SHA-256, dependencies") { repair };
        verify.SetAction(p => Guard(error, () =>
        {
            var results = JitCache.Open(p.GetValue(cacheDir)).Verify(p.GetValue(repair));
            foreach (var r in results.Where(r => !r.Ok))
                output.WriteLine($"{(r.Repaired ? "removed" : "BAD")}  {r.Key[..12]}  {r.Signature}: {r.Reason}");
            var bad = results.Count(r => !r.Ok);
            output.WriteLine($"{results.Count} entries checked, {results.Count - bad} ok, {bad} bad{(p.GetValue(repair) ? $", {results.Count(r => r.Repaired)} removed" : "")}");
            return bad == 0 || results.Where(r => !r.Ok).All(r => r.Repaired) ? 0 : 1;
        }));

        var maxSize = new Option<string?>("--max-size") { Description = "Evict least recently used entries until the cache is at most this size (e.g. 500M, 2G)" };
        var olderThan = new Option<string?>("--older-than") { Description = "Evict entries not used for this long (e.g. 30d, 12h)" };
        var evict = new Command("evict", "Remove entries by size (approximate LRU) or age; safe while other processes use the cache") { maxSize, olderThan };
        evict.SetAction(p => Guard(error, () =>
        {
            var size = p.GetValue(maxSize);
            var age = p.GetValue(olderThan);
            if (size is null && age is null)
                throw new JitRequestException("kiln jit evict needs --max-size or --older-than; e.g. 'kiln jit evict --max-size 1G'");
            var removed = JitCache.Open(p.GetValue(cacheDir)).Evict(size is null ? null : Quantity.ParseSize(size), age is null ? null : Quantity.ParseAge(age));
            foreach (var e in removed)
                output.WriteLine($"evicted  {e.Key[..12]}  {e.Signature}");
            output.WriteLine($"{removed.Count} entries evicted, {Quantity.FormatSize(removed.Sum(e => e.Bytes))} freed");
            return 0;
        }));

        var failures = new Option<bool>("--failures") { Description = "Recorded compile failures and jitfailure-* folders" };
        var logs = new Option<bool>("--logs") { Description = "Build logs" };
        var probes = new Option<bool>("--probes") { Description = "Cached compiler probes" };
        var temporary = new Option<bool>("--temporary") { Description = "Leftover build folders older than an hour, and quarantine" };
        var all = new Option<bool>("--all") { Description = "Everything (entries, failures, logs, probes, statistics)" };
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Only print what would be removed" };
        var clean = new Command("clean", "Remove parts of the cache (say which)") { failures, logs, probes, temporary, all, dryRun };
        clean.SetAction(p => Guard(error, () =>
        {
            var scope = (p.GetValue(failures) ? CleanScope.Failures : 0) | (p.GetValue(logs) ? CleanScope.Logs : 0)
                | (p.GetValue(probes) ? CleanScope.Probes : 0) | (p.GetValue(temporary) ? CleanScope.Temporary : 0)
                | (p.GetValue(all) ? CleanScope.All : 0);
            if (scope == CleanScope.None)
                throw new JitRequestException("kiln jit clean needs to be told what to remove: --failures, --logs, --probes, --temporary or --all");
            var removed = JitCache.Open(p.GetValue(cacheDir)).Clean(scope, p.GetValue(dryRun));
            foreach (var path in removed)
                output.WriteLine((p.GetValue(dryRun) ? "would remove " : "removed ") + path);
            output.WriteLine($"{removed.Count} {(p.GetValue(dryRun) ? "paths would be removed" : "paths removed")}");
            return 0;
        }));

        jit.Add(show);
        jit.Add(stats);
        jit.Add(grep);
        jit.Add(verify);
        jit.Add(evict);
        jit.Add(clean);
        return jit;
    }

    private static int Guard(TextWriter error, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is JitException or ToolchainException or FormatException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine("kiln: error: " + e.Message);
            return 1;
        }
    }
}
