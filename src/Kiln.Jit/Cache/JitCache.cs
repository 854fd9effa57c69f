using System.IO.Compression;
using System.Text.RegularExpressions;

namespace Kiln.Jit.Cache;

/// <summary>
/// Management of one cache directory, for the <c>kiln jit</c> commands: list, statistics, search, verification,
/// eviction and cleaning. Every operation is safe while other processes use the cache: entries are removed by first
/// renaming their manifest away (a reader then sees a miss), only under the entry's build lock taken without waiting
/// (an entry being rebuilt is skipped), and a library that a process already loaded stays mapped after its file is
/// unlinked. Shared caches (<c>KILN_JIT_SHARED_CACHES</c>) are only read, by <see cref="Verify"/>, to find the
/// dependencies of entries built against them; nothing here writes into a shared cache.
/// </summary>
public sealed class JitCache
{
    private readonly CacheLayout _layout;

    private readonly IReadOnlyList<CacheLayout> _shared;

    private JitCache(CacheLayout layout, IReadOnlyList<CacheLayout> shared)
    {
        _layout = layout;
        _shared = shared;
    }

    private ICacheFileSystem Files => _layout.Files;

    /// <summary>The cache root.</summary>
    public string Directory => _layout.Root;

    /// <summary>The shared (read-only) caches searched after this one, in order.</summary>
    public IReadOnlyList<string> SharedDirectories => _shared.Select(s => s.Root).ToArray();

    /// <summary>Opens the cache at <paramref name="directory"/> (or the default location), with the shared caches of
    /// <c>KILN_JIT_SHARED_CACHES</c>; nothing is created.</summary>
    /// <param name="directory">A directory, or null for <c>KILN_JIT_CACHE</c> / the user cache dir.</param>
    // RS0027: Open() and Open(dir) are the everyday calls; the two-parameter form is the explicit one for shared caches.
#pragma warning disable RS0027
    public static JitCache Open(string? directory = null) => Open(directory, null);
#pragma warning restore RS0027

    /// <summary>Opens the cache at <paramref name="directory"/> with explicit shared caches; nothing is created.</summary>
    /// <param name="directory">A directory, or null for <c>KILN_JIT_CACHE</c> / the user cache dir.</param>
    /// <param name="sharedCacheDirectories">Shared caches (empty: none), or null for <c>KILN_JIT_SHARED_CACHES</c>.</param>
    public static JitCache Open(string? directory, IReadOnlyList<string>? sharedCacheDirectories)
    {
        var root = CacheDirectory.Resolve(directory);
        return new JitCache(new CacheLayout(root), CacheDirectory.ResolveShared(sharedCacheDirectories, root).Select(d => new CacheLayout(d)).ToArray());
    }

    /// <summary>Opens the cache of <paramref name="layout"/> (on its file system) with the given shared caches.</summary>
    internal static JitCache Open(CacheLayout layout, params IReadOnlyList<CacheLayout> shared) => new(layout, shared);

    /// <summary>The number of published entries of shared cache <paramref name="sharedDirectory"/> (read only).</summary>
    /// <param name="sharedDirectory">One of <see cref="SharedDirectories"/> (any directory works).</param>
    public static int CountEntries(string sharedDirectory)
    {
        var manifests = new CacheLayout(CacheDirectory.Resolve(sharedDirectory)).Manifests;
        try
        {
            return System.IO.Directory.Exists(manifests) ? System.IO.Directory.EnumerateFiles(manifests, "*.txt").Count() : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }

    /// <summary>All published entries, least recently used first.</summary>
    public IReadOnlyList<CacheEntryInfo> Entries()
    {
        var list = new List<CacheEntryInfo>();
        foreach (var file in Files.List(_layout.Manifests))
        {
            if (!file.EndsWith(".txt", StringComparison.Ordinal) || !Files.TryStat(file, out var status) || status.IsDirectory)
                continue;
            var key = Path.GetFileNameWithoutExtension(file);
            var manifest = EntryStore.ReadManifest(_layout, key, out var present);
            if (!present)
                continue;
            var lastUsed = status.Modified;
            list.Add(new CacheEntryInfo(key, manifest?.BaseKey ?? "", manifest?.Signature ?? "?", _layout.LibraryPath(key), EntryBytes(key),
                manifest is null ? lastUsed : DateTimeOffset.FromUnixTimeMilliseconds(manifest.CreatedUnixMs), lastUsed,
                manifest?.CompileSeconds ?? 0, manifest?.Headers.Count ?? 0, manifest?.Dependencies.Count ?? 0));
        }
        return list.OrderBy(e => e.LastUsed).ThenBy(e => e.Key, StringComparer.Ordinal).ToList();
    }

    /// <summary>The persisted statistics (after adding this process's pending hits).</summary>
    public CacheStatistics Statistics()
    {
        PendingStatistics.FlushAll();
        return StatisticsStore.Read(_layout);
    }

    /// <summary>Total bytes of published entries.</summary>
    public long TotalBytes() => Entries().Sum(e => e.Bytes);

    /// <summary>Searches headers and sources (gzip-compressed sources transparently) for <paramref name="pattern"/>.</summary>
    /// <param name="pattern">A substring, or a .NET regular expression with <paramref name="regex"/>.</param>
    /// <param name="regex">Treat <paramref name="pattern"/> as a regular expression.</param>
    /// <exception cref="JitRequestException">The regular expression is invalid.</exception>
    public IReadOnlyList<GrepMatch> Grep(string pattern, bool regex = false)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        Regex? re = null;
        if (regex)
        {
            try
            {
                re = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(2));
            }
            catch (ArgumentException e)
            {
                throw new JitRequestException($"invalid regular expression '{pattern}': {e.Message}; fix it or search for a plain substring without --regex", e);
            }
        }
        var matches = new List<GrepMatch>();
        foreach (var entry in Entries())
        {
            var files = new List<string> { _layout.HeaderPath(entry.Key) };
            files.AddRange(_layout.SourcePaths(entry.Key));
            foreach (var file in files.Where(Files.FileExists))
            {
                var number = 0;
                foreach (var line in ReadLines(file))
                {
                    number++;
                    if (re is not null ? re.IsMatch(line) : line.Contains(pattern, StringComparison.Ordinal))
                        matches.Add(new GrepMatch(entry.Signature, file, number, line));
                }
            }
        }
        return matches;
    }

    /// <summary>Checks every entry (manifest, headers, library size and SHA-256; dependencies present here or in a
    /// shared cache).</summary>
    /// <param name="repair">Quarantine entries that are corrupt (skipping any whose key is being built right now).</param>
    public IReadOnlyList<VerifyResult> Verify(bool repair = false)
    {
        var results = new List<VerifyResult>();
        foreach (var entry in Entries())
        {
            var check = EntryStore.Check(_layout, entry.Key, null, null, fullVerification: true, forceHash: true);
            var reason = check.Reason;
            var ok = check.State == EntryState.Valid;
            if (ok && check.Manifest is not null)
            {
                var missing = check.Manifest.Dependencies.FirstOrDefault(d =>
                    !Files.FileExists(_layout.ManifestPath(d.Key)) && !_shared.Any(s => s.Files.FileExists(s.ManifestPath(d.Key))));
                if (missing is not null)
                {
                    ok = false;
                    reason = $"dependency '{missing.Signature}' ({missing.Key[..12]}) is missing (if it lives in a shared cache, name that cache in {CacheDirectory.SharedEnvironmentVariable})";
                }
            }
            var repaired = false;
            if (!ok && repair && check.State != EntryState.Stale)
                repaired = WithKeyLock(entry.BaseKey, () => EntryStore.Quarantine(_layout, entry.Key, entry.BaseKey.Length == 64 ? entry.BaseKey : null));
            results.Add(new VerifyResult(entry.Key, entry.Signature, ok, reason, repaired));
        }
        return results;
    }

    /// <summary>
    /// Removes entries last used before <paramref name="olderThan"/> ago, then least-recently-used entries until the
    /// cache holds at most <paramref name="maxBytes"/>. Entries being built are skipped.
    /// </summary>
    /// <param name="maxBytes">Size limit, or null.</param>
    /// <param name="olderThan">Age limit, or null.</param>
    /// <param name="timeProvider">Clock (default: system).</param>
    /// <returns>The removed entries.</returns>
    public IReadOnlyList<CacheEntryInfo> Evict(long? maxBytes, TimeSpan? olderThan, TimeProvider? timeProvider = null)
    {
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        var entries = Entries().ToList();
        var total = entries.Sum(e => e.Bytes);
        var removed = new List<CacheEntryInfo>();
        foreach (var entry in entries)
        {
            var tooOld = olderThan is TimeSpan age && now - entry.LastUsed > age;
            var tooBig = maxBytes is long max && total > max;
            if (!tooOld && !tooBig)
                continue;
            if (WithKeyLock(entry.BaseKey, () => EntryStore.Quarantine(_layout, entry.Key, entry.BaseKey.Length == 64 ? entry.BaseKey : null)))
            {
                removed.Add(entry);
                total -= entry.Bytes;
            }
        }
        if (removed.Count > 0)
            StatisticsStore.Add(_layout, CacheStatistics.Zero with { Evictions = removed.Count });
        return removed;
    }

    /// <summary>Removes what <paramref name="scope"/> names.</summary>
    /// <param name="scope">What to remove.</param>
    /// <param name="dryRun">Only list what would be removed.</param>
    /// <param name="timeProvider">Clock for the age of leftovers (default: system).</param>
    /// <returns>The removed (or, in a dry run, removable) paths.</returns>
    public IReadOnlyList<string> Clean(CleanScope scope, bool dryRun = false, TimeProvider? timeProvider = null)
    {
        var now = (timeProvider ?? TimeProvider.System).GetUtcNow();
        var paths = new List<string>();
        void Take(string path)
        {
            paths.Add(path);
            if (dryRun)
                return;
            try
            {
                if (Files.DirectoryExists(path))
                    Files.DeleteTree(path);
                else
                    Files.DeleteFile(path);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Removed by another process meanwhile, or not ours to remove: leave it.
            }
        }
        IEnumerable<string> All(string dir) => Files.List(dir);

        if ((scope & CleanScope.All) == CleanScope.All)
        {
            foreach (var e in Entries())
            {
                if (dryRun)
                    paths.Add(_layout.ManifestPath(e.Key));
                else if (WithKeyLock(e.BaseKey, () => EntryStore.Quarantine(_layout, e.Key, e.BaseKey.Length == 64 ? e.BaseKey : null)))
                    paths.Add(_layout.ManifestPath(e.Key));
            }
            foreach (var p in All(_layout.Keys).Concat(All(_layout.Include)).Concat(All(_layout.Src)).Concat(All(_layout.Lib)))
                Take(p);
            if (Files.FileExists(_layout.StatsFile))
                Take(_layout.StatsFile);
        }
        if (scope.HasFlag(CleanScope.Failures))
            foreach (var p in All(_layout.Failures)) Take(p);
        if (scope.HasFlag(CleanScope.Logs))
            foreach (var p in All(_layout.Log)) Take(p);
        if (scope.HasFlag(CleanScope.Probes))
            foreach (var p in All(_layout.Probes)) Take(p);
        if (scope.HasFlag(CleanScope.Temporary))
        {
            foreach (var p in All(_layout.Tmp).Where(p => !Files.TryStat(p, out var status) || now - status.Modified > TimeSpan.FromHours(1)))
                Take(p);
            foreach (var p in All(_layout.Quarantine)) Take(p);
        }
        return paths;
    }

    private long EntryBytes(string key)
    {
        long sum = 0;
        var files = new List<string> { _layout.ManifestPath(key), _layout.LibraryPath(key), _layout.HeaderPath(key), _layout.LogPath(key) };
        files.AddRange(_layout.SourcePaths(key));
        foreach (var f in files)
        {
            if (Files.TryStat(f, out var status) && !status.IsDirectory)
                sum += status.Size;
        }
        return sum;
    }

    // Runs action while holding the key's build lock, taken without waiting; false when the key is busy.
    private bool WithKeyLock(string baseKey, Action action)
    {
        if (baseKey.Length != 64)
        {
            action();
            return true;
        }
        Files.CreateDirectory(_layout.Locks);
        using var keyLock = Files.OpenLock(_layout.LockPath(baseKey));
        if (keyLock.TryLock() != 0)
            return false;
        action();
        return true;
    }

    private IEnumerable<string> ReadLines(string file)
    {
        using var stream = Files.OpenRead(file);
        using Stream input = file.EndsWith(".gz", StringComparison.Ordinal) ? new GZipStream(stream, CompressionMode.Decompress) : stream;
        using var reader = new StreamReader(input);
        while (reader.ReadLine() is { } line)
            yield return line;
    }
}
