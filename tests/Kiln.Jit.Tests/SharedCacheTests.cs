using Kiln.Jit.Cache;

namespace Kiln.Jit.Tests;

/// <summary>Read-only shared caches searched after the writable cache (<see cref="JitRequest.SharedCacheDirectories"/>):
/// loaded in place, never written, damaged entries skipped, dependencies across caches. The fresh-process and
/// read-only-mount cases are in Kiln.Faults.Tests (JitSharedCacheTests).</summary>
public sealed class SharedCacheTests
{
    private static JitRequest Request(string cache, IReadOnlyList<string>? shared, string sig, int value, Action? onGenerate = null) => new()
    {
        Signature = sig,
        CacheDirectory = cache,
        SharedCacheDirectories = shared,
        Generate = s =>
        {
            onGenerate?.Invoke();
            return JitFixture.ValueCode(s, value);
        },
    };

    /// <summary>Waits until the cache built by this process is at rest: statistics flushed and the private build
    /// folders (deleted in the background after a build) gone. Without this a snapshot would see the builder's own
    /// late writes.</summary>
    internal static void Settle(string cache)
    {
        _ = JitCache.Open(cache, []).Statistics();
        var tmp = Path.Combine(cache, "tmp");
        for (var i = 0; i < 3000 && Directory.Exists(tmp) && Directory.EnumerateFileSystemEntries(tmp).Any(); i++)
            Thread.Sleep(10);
    }

    /// <summary>Every file and directory under <paramref name="root"/> with its size and mtime: any write, touch,
    /// creation or removal changes the snapshot.</summary>
    internal static string Snapshot(string root) => string.Join('\n',
        new[] { root }.Concat(Directory.EnumerateFileSystemEntries(root, "*", SearchOption.AllDirectories)).Order(StringComparer.Ordinal)
            .Select(p => $"{p} {(File.Exists(p) ? new FileInfo(p).Length : -1)} {File.GetLastWriteTimeUtc(p).Ticks}"));

    [Fact]
    public void An_entry_of_a_shared_cache_is_loaded_in_place_and_nothing_is_written_there()
    {
        using var f = new JitFixture();
        var shared = Path.Combine(f.Root, "shared");
        var built = new JitCompiler().Jit(Request(shared, [], "shA", 11));
        Settle(shared);
        var before = Snapshot(shared);
        var generated = 0;

        var hit = new JitCompiler().Jit(Request(f.Cache, [shared], "shA", 11, () => generated++));

        Assert.False(hit.WasBuilt);
        Assert.Equal(0, generated);
        Assert.Equal(built.Key, hit.Key);
        Assert.Equal(built.Path, hit.Path);
        Assert.Equal(11, JitFixture.CallValue(hit));
        Assert.Equal(before, Snapshot(shared));
        var stats = JitCache.Open(f.Cache, []).Statistics();
        Assert.Equal(1, stats.Hits);
        Assert.Equal(1, stats.SharedHits);
        Assert.Equal(0, stats.Misses);
        Assert.Equal(before, Snapshot(shared));
    }

    [Fact]
    public void The_writable_cache_is_searched_first_then_the_shared_caches_in_order()
    {
        using var f = new JitFixture();
        var s1 = Path.Combine(f.Root, "s1");
        var s2 = Path.Combine(f.Root, "s2");
        // The same signature with different baked values: which cache answered shows in the value.
        new JitCompiler().Jit(Request(s1, [], "order", 1));
        new JitCompiler().Jit(Request(s2, [], "order", 2));

        Assert.Equal(1, JitFixture.CallValue(new JitCompiler().Jit(Request(f.Cache, [s1, s2], "order", 0))));
        Assert.Equal(2, JitFixture.CallValue(new JitCompiler().Jit(Request(f.Cache, [s2, s1], "order", 0))));
        var local = new JitCompiler().Jit(Request(f.Cache, [], "order", 3));
        Assert.True(local.WasBuilt);
        Assert.Equal(3, JitFixture.CallValue(new JitCompiler().Jit(Request(f.Cache, [s1, s2], "order", 0))));
    }

    [Fact]
    public void A_damaged_entry_in_a_shared_cache_is_skipped_and_built_in_the_writable_cache_without_touching_the_shared_one()
    {
        using var f = new JitFixture();
        var shared = Path.Combine(f.Root, "shared");
        var built = new JitCompiler().Jit(Request(shared, [], "shBad", 5));
        var bytes = File.ReadAllBytes(built.Path);
        File.Delete(built.Path);
        File.WriteAllBytes(built.Path, bytes.AsSpan(0, bytes.Length / 2).ToArray());
        Settle(shared);
        var before = Snapshot(shared);

        var lib = new JitCompiler().Jit(Request(f.Cache, [shared], "shBad", 5));

        Assert.True(lib.WasBuilt);
        Assert.StartsWith(f.Cache + "/", lib.Path, StringComparison.Ordinal);
        Assert.Equal(5, JitFixture.CallValue(lib));
        Assert.Equal(before, Snapshot(shared));
        Assert.Equal(0, JitCache.Open(f.Cache, []).Statistics().Rebuilds);
    }

    [Fact]
    public void A_stale_entry_in_a_shared_cache_is_skipped()
    {
        using var f = new JitFixture();
        var shared = Path.Combine(f.Root, "shared");
        var header = f.Write("inc/extra.h", "#define EXTRA 1\n");
        var build = new JitBuildOptions { IncludeDirectories = [Path.GetDirectoryName(header)!] };
        JitRequest WithHeader(string cache, IReadOnlyList<string> sharedDirs) => new()
        {
            Signature = "shStale", CacheDirectory = cache, SharedCacheDirectories = sharedDirs, Build = build,
            Generate = _ => new GeneratedCode("", "#include \"extra.h\"\nint kiln_value(void) { return EXTRA; }\n"),
        };
        new JitCompiler().Jit(WithHeader(shared, []));
        File.WriteAllText(header, "#define EXTRA 2\n");
        Settle(shared);
        var before = Snapshot(shared);

        var lib = new JitCompiler().Jit(WithHeader(f.Cache, [shared]));

        Assert.True(lib.WasBuilt);
        Assert.Equal(2, JitFixture.CallValue(lib));
        Assert.Equal(before, Snapshot(shared));
    }

    [Fact]
    public void A_dependent_built_in_the_writable_cache_links_against_its_dependency_in_a_shared_cache()
    {
        using var f = new JitFixture();
        var shared = Path.Combine(f.Root, "shared");
        GeneratedCode Dep(string _) => new("int kiln_dep_value(void);\n", "int kiln_dep_value(void) { return 1000; }\n");
        new JitCompiler().Jit(new JitRequest { Signature = "dep", CacheDirectory = shared, SharedCacheDirectories = [], Generate = Dep });
        Settle(shared);
        var before = Snapshot(shared);

        var jit = new JitCompiler();
        var dep = jit.Jit(new JitRequest { Signature = "dep", CacheDirectory = f.Cache, SharedCacheDirectories = [shared], Generate = Dep });
        var main = jit.Jit(new JitRequest
        {
            Signature = "main", CacheDirectory = f.Cache, SharedCacheDirectories = [shared],
            Generate = s => new GeneratedCode("#define KILN_VALUE 7\n",
                $"#include \"{JitSignature.HeaderFileName(s)}\"\n#include \"dep.h\"\nint kiln_value(void) {{ return KILN_VALUE + kiln_dep_value(); }}\n", ["dep"]),
        });

        Assert.False(dep.WasBuilt);
        Assert.StartsWith(shared + "/", dep.Path, StringComparison.Ordinal);
        Assert.True(main.WasBuilt);
        Assert.StartsWith(f.Cache + "/", main.Path, StringComparison.Ordinal);
        Assert.Same(dep, Assert.Single(main.Dependencies));
        Assert.Equal(1007, JitFixture.CallValue(main));
        Assert.Equal(before, Snapshot(shared));

        // A new compiler (no memo) finds the dependent in the writable cache and its dependency in the shared one.
        var again = new JitCompiler().Jit(new JitRequest { Signature = "main", CacheDirectory = f.Cache, SharedCacheDirectories = [shared] });
        Assert.False(again.WasBuilt);
        Assert.Equal(dep.Path, Assert.Single(again.Dependencies).Path);
        Assert.Equal(1007, JitFixture.CallValue(again));

        // Verification of the writable cache finds the dependency in the shared cache, and says where to look without it.
        Assert.All(JitCache.Open(f.Cache, [shared]).Verify(), r => Assert.True(r.Ok, r.Reason));
        var alone = Assert.Single(JitCache.Open(f.Cache, []).Verify(), r => !r.Ok);
        Assert.Contains(CacheDirectory.SharedEnvironmentVariable, alone.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shared_cache_serves_hits_when_the_writable_cache_cannot_even_be_created_and_a_miss_says_so()
    {
        using var f = new JitFixture();
        var shared = Path.Combine(f.Root, "shared");
        new JitCompiler().Jit(Request(shared, [], "shOnly", 8));
        var impossible = Path.Combine(f.Write("a-file", "x"), "cache"); // below a regular file: cannot be created

        var hit = new JitCompiler().Jit(Request(impossible, [shared], "shOnly", 8));
        Assert.False(hit.WasBuilt);
        Assert.Equal(8, JitFixture.CallValue(hit));

        var e = Assert.Throws<JitCacheException>(() => new JitCompiler().Jit(Request(impossible, [shared], "shCold", 9)));
        Assert.Contains($"'{impossible}' is not writable", e.Message, StringComparison.Ordinal);
        Assert.Contains(CacheDirectory.EnvironmentVariable, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Shared_cache_directories_resolve_in_order_without_empty_entries_repeats_or_the_writable_cache()
    {
        using var f = new JitFixture();
        var a = Path.Combine(f.Root, "a");
        var b = Path.Combine(f.Root, "b");
        Assert.Equal([a, b], CacheDirectory.ResolveShared([a, "", b + "/", a, f.Cache], f.Cache));
        Assert.Empty(CacheDirectory.ResolveShared([], f.Cache));
    }
}
