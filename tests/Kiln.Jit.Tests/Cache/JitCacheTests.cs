using Kiln.Jit.Cache;
using Microsoft.Extensions.Time.Testing;

namespace Kiln.Jit.Tests.Cache;

public sealed class JitCacheTests
{
    private static JitLibrary Build(JitFixture f, string sig, int value) =>
        new JitCompiler().Jit(new JitRequest { Signature = sig, CacheDirectory = f.Cache, Generate = s => JitFixture.ValueCode(s, value) });

    [Fact]
    public void Entries_list_every_published_library_with_its_signature_and_size()
    {
        using var f = new JitFixture();
        var a = Build(f, "showA", 1);
        Build(f, "showB", 2);
        var entries = JitCache.Open(f.Cache).Entries();
        Assert.Equal(["showA", "showB"], entries.Select(e => e.Signature).Order());
        var ea = entries.Single(e => e.Signature == "showA");
        Assert.Equal(a.Key, ea.Key);
        Assert.True(ea.Bytes > new FileInfo(a.Path).Length);
    }

    [Fact]
    public void An_empty_or_absent_cache_has_no_entries_and_zero_statistics()
    {
        using var f = new JitFixture();
        var cache = JitCache.Open(Path.Combine(f.Root, "absent"));
        Assert.Empty(cache.Entries());
        Assert.True(cache.Statistics().IsZero);
    }

    [Fact]
    public void Grep_finds_lines_in_headers_and_gzip_compressed_sources()
    {
        using var f = new JitFixture();
        Build(f, "grepA", 31337);
        var matches = JitCache.Open(f.Cache).Grep("31337");
        var m = Assert.Single(matches);
        Assert.Equal("grepA", m.Signature);
        Assert.EndsWith(".h", m.File, StringComparison.Ordinal);
        var inSource = JitCache.Open(f.Cache).Grep(@"kiln_value\(void\)", regex: true);
        Assert.Contains(inSource, x => x.File.EndsWith(".c.gz", StringComparison.Ordinal) && x.LineNumber == 2);
    }

    [Fact]
    public void Grep_with_an_invalid_regular_expression_is_a_request_error()
    {
        using var f = new JitFixture();
        Assert.Throws<JitRequestException>(() => JitCache.Open(f.Cache).Grep("([", regex: true));
    }

    [Fact]
    public void Verify_reports_a_damaged_library_and_repair_removes_the_entry()
    {
        using var f = new JitFixture();
        var r = JitFixture.RunHost("--cache", f.Cache, "--signature", "verifyMe", "--value", "3");
        var path = r.GetProperty("path").GetString()!;
        Assert.All(JitCache.Open(f.Cache).Verify(), v => Assert.True(v.Ok));
        var bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0xff;
        File.WriteAllBytes(path + ".x", bytes);
        File.Move(path + ".x", path, overwrite: true);
        var bad = Assert.Single(JitCache.Open(f.Cache).Verify());
        Assert.False(bad.Ok);
        Assert.Contains("SHA-256", bad.Reason, StringComparison.Ordinal);
        var repaired = Assert.Single(JitCache.Open(f.Cache).Verify(repair: true));
        Assert.True(repaired.Repaired);
        Assert.Empty(JitCache.Open(f.Cache).Entries());
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void Age_eviction_removes_entries_unused_for_longer_than_the_limit()
    {
        using var f = new JitFixture();
        Build(f, "old", 1);
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        Assert.Empty(JitCache.Open(f.Cache).Evict(null, TimeSpan.FromDays(1), time));
        time.Advance(TimeSpan.FromDays(2));
        var removed = JitCache.Open(f.Cache).Evict(null, TimeSpan.FromDays(1), time);
        Assert.Equal("old", Assert.Single(removed).Signature);
        Assert.Empty(JitCache.Open(f.Cache).Entries());
        Assert.Equal(1, JitCache.Open(f.Cache).Statistics().Evictions);
    }

    [Fact]
    public void Size_eviction_removes_least_recently_used_entries_first()
    {
        using var f = new JitFixture();
        Build(f, "lru1", 1);
        Build(f, "lru2", 2);
        Build(f, "lru3", 3);
        var cache = JitCache.Open(f.Cache);
        var entries = cache.Entries();
        // Mark lru1 as just used: it must survive.
        File.SetLastWriteTimeUtc(Path.Combine(f.Cache, "manifest", entries.Single(e => e.Signature == "lru1").Key + ".txt"), DateTime.UnixEpoch.AddYears(60));
        var limit = entries.Max(e => e.Bytes) + 1;
        var removed = cache.Evict(limit, null);
        Assert.Equal(["lru2", "lru3"], removed.Select(e => e.Signature).Order());
        Assert.Equal("lru1", Assert.Single(cache.Entries()).Signature);
    }

    [Fact]
    public void An_evicted_entry_is_rebuilt_on_the_next_request()
    {
        using var f = new JitFixture();
        Build(f, "again", 4);
        JitCache.Open(f.Cache).Evict(0, null);
        var lib = Build(f, "again", 4);
        Assert.True(lib.WasBuilt);
    }

    [Fact]
    public void Clean_failures_removes_failure_records_and_folders_and_dry_run_only_lists()
    {
        using var f = new JitFixture();
        Assert.Throws<JitCompileException>(() => new JitCompiler().Jit(new JitRequest
        {
            Signature = "cleanMe", CacheDirectory = f.Cache, Generate = _ => new GeneratedCode("", "nope\n"),
        }));
        var cache = JitCache.Open(f.Cache);
        var listed = cache.Clean(CleanScope.Failures, dryRun: true);
        Assert.Equal(2, listed.Count);
        Assert.True(Directory.Exists(Path.Combine(f.Cache, "failures", "jitfailure-cleanMe")));
        cache.Clean(CleanScope.Failures);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(f.Cache, "failures")));
    }

    [Fact]
    public void Clean_all_empties_the_cache_but_keeps_lock_files()
    {
        using var f = new JitFixture();
        Build(f, "all1", 1);
        var cache = JitCache.Open(f.Cache);
        cache.Clean(CleanScope.All);
        Assert.Empty(cache.Entries());
        Assert.Empty(Directory.GetFiles(Path.Combine(f.Cache, "lib")));
        Assert.NotEmpty(Directory.GetFiles(Path.Combine(f.Cache, "locks"), "*.lock"));
    }
}
