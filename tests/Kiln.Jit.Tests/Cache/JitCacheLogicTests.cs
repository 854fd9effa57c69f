using Kiln.Jit.Cache;
using Kiln.Jit.Tests.Building;
using Kiln.Jit.Tests.Fakes;
using Kiln.Toolchain;
using Microsoft.Extensions.Time.Testing;

namespace Kiln.Jit.Tests.Cache;

/// <summary>The management decisions of <see cref="JitCache"/> — listing, search, eviction, cleaning, statistics — on
/// entries published into an <see cref="InMemoryCacheFileSystem"/> (no compiler, no disk). Removal under a real
/// flock and corruption of real files stay in <see cref="JitCacheTests"/> and <see cref="EntryStoreTests"/>.</summary>
public sealed class JitCacheLogicTests
{
    private readonly FakeCache _f = new();

    [Fact]
    public void Entries_list_every_published_library_with_its_signature_and_size()
    {
        var a = _f.Publish("showA", libraryBytes: 300);
        _f.Publish("showB");
        var entries = _f.Cache.Entries();
        Assert.Equal(["showA", "showB"], entries.Select(e => e.Signature).Order());
        var ea = entries.Single(e => e.Signature == "showA");
        Assert.Equal(a.Key, ea.Key);
        Assert.Equal(_f.Layout.LibraryPath(a.Key), ea.LibraryPath);
        Assert.True(ea.Bytes > 300);
    }

    [Fact]
    public void An_empty_or_absent_cache_has_no_entries_and_zero_statistics()
    {
        var cache = JitCache.Open(new CacheLayout("/fake/absent", _f.Files));
        Assert.Empty(cache.Entries());
        Assert.True(cache.Statistics().IsZero);
    }

    [Fact]
    public void Grep_finds_lines_in_headers_and_gzip_compressed_sources()
    {
        _f.Publish("grepA", header: "#define KILN_VALUE 31337\n", source: "#include \"grepA.h\"\nint kiln_value(void) { return KILN_VALUE; }\n");
        var matches = _f.Cache.Grep("31337");
        var m = Assert.Single(matches);
        Assert.Equal("grepA", m.Signature);
        Assert.EndsWith(".h", m.File, StringComparison.Ordinal);
        var inSource = _f.Cache.Grep(@"kiln_value\(void\)", regex: true);
        Assert.Contains(inSource, x => x.File.EndsWith(".c.gz", StringComparison.Ordinal) && x.LineNumber == 2);
    }

    [Fact]
    public void Grep_with_an_invalid_regular_expression_is_a_request_error()
    {
        Assert.Throws<JitRequestException>(() => _f.Cache.Grep("([", regex: true));
    }

    [Fact]
    public void Age_eviction_removes_entries_unused_for_longer_than_the_limit()
    {
        _f.Publish("old");
        var time = new FakeTimeProvider(_f.Files.Now);
        Assert.Empty(_f.Cache.Evict(null, TimeSpan.FromDays(1), time));
        time.Advance(TimeSpan.FromDays(2));
        var removed = _f.Cache.Evict(null, TimeSpan.FromDays(1), time);
        Assert.Equal("old", Assert.Single(removed).Signature);
        Assert.Empty(_f.Cache.Entries());
        Assert.Equal(1, _f.Cache.Statistics().Evictions);
    }

    [Fact]
    public void Size_eviction_removes_least_recently_used_entries_first()
    {
        _f.Publish("lru1");
        _f.Publish("lru2");
        _f.Publish("lru3");
        var cache = _f.Cache;
        var entries = cache.Entries();
        // Mark lru1 as just used: it must survive.
        _f.Files.SetLastWriteTime(_f.Layout.ManifestPath(entries.Single(e => e.Signature == "lru1").Key), DateTimeOffset.UnixEpoch.AddYears(60));
        var limit = entries.Max(e => e.Bytes) + 1;
        var removed = cache.Evict(limit, null);
        Assert.Equal(["lru2", "lru3"], removed.Select(e => e.Signature).Order());
        Assert.Equal("lru1", Assert.Single(cache.Entries()).Signature);
    }

    [Fact]
    public void Eviction_removes_an_entry_manifest_first_with_all_its_files_and_the_pointer_to_it()
    {
        var entry = _f.Publish("gone");

        _f.Cache.Evict(0, null);

        Assert.Equal([], _f.Files.FilesUnder(_f.Root).Where(p => !p.StartsWith(_f.Layout.Locks, StringComparison.Ordinal)
            && p != _f.Layout.StatsFile));
        Assert.Null(EntryStore.ReadPointer(_f.Layout, entry.BaseKey));
    }

    [Fact]
    public void An_entry_whose_key_is_being_built_is_not_evicted()
    {
        var entry = _f.Publish("busy");
        using var building = _f.Files.OpenLock(_f.Layout.LockPath(entry.BaseKey));
        Assert.Equal(0, building.TryLock());

        Assert.Empty(_f.Cache.Evict(0, null));

        Assert.Equal("busy", Assert.Single(_f.Cache.Entries()).Signature);
    }

    [Fact]
    public void Clean_failures_removes_failure_records_and_folders_and_dry_run_only_lists()
    {
        var runner = new ScriptedCompilerRunner(new ToolProcessResult(1, "", "cleanMe.c:1:1: error: unknown type name 'nope'\n"));
        Assert.Throws<JitCompileException>(() => new JitCompiler(new JitCompilerOptions { CompilerRunner = runner, FileSystem = _f.Files }).Jit(new JitRequest
        {
            Signature = "cleanMe", CacheDirectory = _f.Root, SharedCacheDirectories = [], Build = new JitBuildOptions { Compiler = _f.Compiler },
            Generate = _ => new GeneratedCode("", "nope\n"),
        }));
        var cache = _f.Cache;
        var listed = cache.Clean(CleanScope.Failures, dryRun: true);
        Assert.Equal(2, listed.Count);
        Assert.True(_f.Files.DirectoryExists(Path.Combine(_f.Root, "failures", "jitfailure-cleanMe")));
        cache.Clean(CleanScope.Failures);
        Assert.Empty(_f.Files.List(Path.Combine(_f.Root, "failures")));
    }

    [Fact]
    public void Clean_all_empties_the_cache_but_keeps_lock_files()
    {
        _f.Publish("all1");
        var cache = _f.Cache;
        cache.Clean(CleanScope.All);
        Assert.Empty(cache.Entries());
        Assert.Empty(_f.Files.List(Path.Combine(_f.Root, "lib")));
        Assert.Contains(_f.Files.List(Path.Combine(_f.Root, "locks")), p => p.EndsWith(".lock", StringComparison.Ordinal));
    }

    [Fact]
    public void Clean_temporary_removes_leftovers_older_than_an_hour_and_the_quarantine()
    {
        _f.Layout.EnsureCreated();
        _f.Files.CreateDirectory(Path.Combine(_f.Layout.Tmp, "old-build"));
        _f.Files.WriteAllText(Path.Combine(_f.Layout.Quarantine, "lib.x"), "");
        var time = new FakeTimeProvider(_f.Files.Now);
        Assert.Equal([Path.Combine(_f.Layout.Quarantine, "lib.x")], _f.Cache.Clean(CleanScope.Temporary, dryRun: true, time));
        time.Advance(TimeSpan.FromHours(2));

        var removed = _f.Cache.Clean(CleanScope.Temporary, timeProvider: time);

        Assert.Equal([Path.Combine(_f.Layout.Tmp, "old-build"), Path.Combine(_f.Layout.Quarantine, "lib.x")], removed);
        Assert.Empty(_f.Files.List(_f.Layout.Tmp));
    }

    [Fact]
    public void Statistics_add_up_over_flushes_and_reset_clears_them()
    {
        StatisticsStore.Add(_f.Layout, CacheStatistics.Zero with { Hits = 2, Misses = 1, BytesBuilt = 10 });
        StatisticsStore.Add(_f.Layout, CacheStatistics.Zero with { Hits = 1, SharedHits = 1, CompileSeconds = 0.5 });

        var sum = StatisticsStore.Read(_f.Layout);

        Assert.Equal((3, 1, 1, 10, 0.5), (sum.Hits, sum.SharedHits, sum.Misses, sum.BytesBuilt, sum.CompileSeconds));
        StatisticsStore.Reset(_f.Layout);
        Assert.True(StatisticsStore.Read(_f.Layout).IsZero);
    }

    [Fact]
    public void A_published_entry_checks_valid_and_a_truncated_or_altered_library_or_manifest_is_corrupt()
    {
        var entry = _f.Publish("checked", libraryBytes: 64);
        Assert.Equal(EntryState.Valid, Check(entry).State);

        _f.Files.WriteAllText(_f.Layout.ManifestPath(entry.Key), _f.Files.ReadAllText(_f.Layout.ManifestPath(entry.Key))[..40]);
        Assert.Equal("manifest is incomplete or unreadable", Check(entry).Reason);

        var other = _f.Publish("altered", libraryBytes: 64);
        using (var s = _f.Files.Create(_f.Layout.LibraryPath(other.Key)))
            s.Write(new byte[64].Select(_ => (byte)1).ToArray());
        Assert.Equal("library content does not match its SHA-256 in the manifest", Check(other).Reason);
        using (var s = _f.Files.Create(_f.Layout.LibraryPath(other.Key)))
            s.Write(new byte[10]);
        Assert.Equal("library is 10 bytes, manifest says 64 (truncated or replaced)", Check(other).Reason);
    }

    [Fact]
    public void An_untouched_library_is_not_hashed_again_but_one_with_another_stamp_is()
    {
        var entry = _f.Publish("stamped", libraryBytes: 64);
        // Same size, other content, the stamp of the manifest kept: a check that trusts the stamp skips the hash.
        var manifestText = _f.Files.ReadAllText(_f.Layout.ManifestPath(entry.Key));
        var library = _f.Layout.LibraryPath(entry.Key);
        _f.Files.WriteAtomically(library, new string('x', 64), library + ".tmp");
        var restamped = manifestText.Replace("library-stamp " + entry.LibraryStamp, "library-stamp " + EntryStore.StampOf(_f.Files, library), StringComparison.Ordinal);
        _f.Files.WriteAllText(_f.Layout.ManifestPath(entry.Key), restamped);

        Assert.Equal(EntryState.Valid, Check(entry).State);
        Assert.Equal(EntryState.Corrupt, EntryStore.Check(_f.Layout, entry.Key, entry.BaseKey, entry.InputText, fullVerification: true, forceHash: true).State);
    }

    private EntryCheck Check(EntryManifest entry) => EntryStore.Check(_f.Layout, entry.Key, entry.BaseKey, entry.InputText, fullVerification: true);
}
