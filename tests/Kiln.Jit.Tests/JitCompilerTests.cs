using Kiln.Jit.Cache;
using Kiln.Toolchain;

namespace Kiln.Jit.Tests;

public sealed class JitCompilerTests
{
    private static JitRequest Request(JitFixture f, string sig, int value, JitBuildOptions? build = null, Action? onGenerate = null) => new()
    {
        Signature = sig,
        CacheDirectory = f.Cache,
        Build = build ?? JitBuildOptions.Default,
        Generate = s =>
        {
            onGenerate?.Invoke();
            return JitFixture.ValueCode(s, value);
        },
    };

    [Fact]
    public void A_miss_generates_compiles_loads_and_the_function_returns_the_baked_constant()
    {
        using var f = new JitFixture();
        var calls = 0;
        var lib = new JitCompiler().Jit(Request(f, "sigA", 42, onGenerate: () => calls++));
        Assert.True(lib.WasBuilt);
        Assert.Equal(1, calls);
        Assert.Equal(42, JitFixture.CallValue(lib));
        Assert.Equal(64, lib.Key.Length);
        Assert.StartsWith(Path.Combine(f.Cache, "lib", "libkiln-"), lib.Path, StringComparison.Ordinal);
    }

    [Fact]
    public void A_repeated_request_returns_the_same_library_from_memory_without_generating()
    {
        using var f = new JitFixture();
        var jit = new JitCompiler();
        var calls = 0;
        var request = Request(f, "sigM", 1, onGenerate: () => calls++);
        var first = jit.Jit(request);
        var second = jit.Jit(request);
        var third = jit.Jit(Request(f, "sigM", 1, onGenerate: () => calls++));
        Assert.Same(first, second);
        Assert.Same(first, third);
        Assert.Equal(1, calls);
    }

    [Fact]
    public void A_disk_hit_in_a_new_compiler_loads_without_a_generator()
    {
        using var f = new JitFixture();
        var built = new JitCompiler().Jit(Request(f, "sigD", 5));
        var hit = new JitCompiler().Jit(new JitRequest { Signature = "sigD", CacheDirectory = f.Cache });
        Assert.False(hit.WasBuilt);
        Assert.Equal(built.Key, hit.Key);
        Assert.Equal(5, JitFixture.CallValue(hit));
    }

    [Fact]
    public void A_miss_without_a_generator_raises_a_request_error()
    {
        using var f = new JitFixture();
        var e = Assert.Throws<JitRequestException>(() => new JitCompiler().Jit(new JitRequest { Signature = "absent", CacheDirectory = f.Cache }));
        Assert.Contains("no generator", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_asynchronous_form_builds_and_then_hits_the_memo()
    {
        using var f = new JitFixture();
        var jit = new JitCompiler();
        var lib = await jit.JitAsync(Request(f, "sigAsync", 9), TestContext.Current.CancellationToken);
        Assert.Equal(9, JitFixture.CallValue(lib));
        Assert.Same(lib, await jit.JitAsync(Request(f, "sigAsync", 9), TestContext.Current.CancellationToken));
    }

    [Fact]
    public void Changed_flags_give_a_new_key()
    {
        using var f = new JitFixture();
        var a = new JitCompiler().Jit(Request(f, "sigF", 1, new JitBuildOptions { Flags = ["-O1"] }));
        var b = new JitCompiler().Jit(Request(f, "sigF", 1, new JitBuildOptions { Flags = ["-O2"] }));
        Assert.NotEqual(a.Key, b.Key);
        Assert.True(b.WasBuilt);
    }

    [Fact]
    public void The_same_signature_with_other_flags_in_one_process_is_not_answered_by_the_memo()
    {
        using var f = new JitFixture();
        var jit = new JitCompiler();
        var a = jit.Jit(Request(f, "sigF2", 1, new JitBuildOptions { Flags = ["-O1"] }));
        var b = jit.Jit(Request(f, "sigF2", 1, new JitBuildOptions { Flags = ["-O0"] }));
        Assert.NotSame(a, b);
        Assert.NotEqual(a.Key, b.Key);
    }

    [Fact]
    public void A_changed_compiler_gives_a_new_key()
    {
        Assert.SkipUnless(CompilerDiscovery.FindExecutable("clang") is not null, "clang is not installed");
        using var f = new JitFixture();
        var gcc = new JitCompiler().Jit(Request(f, "sigC", 3, new JitBuildOptions { Compiler = "gcc" }));
        var clang = new JitCompiler().Jit(Request(f, "sigC", 3, new JitBuildOptions { Compiler = "clang" }));
        Assert.NotEqual(gcc.Key, clang.Key);
        Assert.Equal(3, JitFixture.CallValue(clang));
    }

    [Fact]
    public void A_changed_compiler_binary_behind_the_same_name_gives_a_new_key()
    {
        using var f = new JitFixture();
        var wrapper = f.CountingCompiler();
        var a = new JitCompiler().Jit(Request(f, "sigW", 3, new JitBuildOptions { Compiler = wrapper }));
        // Reinstall the "compiler": same path, different content (now reporting another version).
        var realGcc = CompilerDiscovery.FindExecutable("gcc")!;
        File.WriteAllText(wrapper, $"#!/bin/sh\nif [ \"$1\" = --version ]; then echo 'gcc (Kiln test build) 99.0'; exit 0; fi\nexec '{realGcc}' \"$@\"\n");
        var b = new JitCompiler().Jit(Request(f, "sigW", 3, new JitBuildOptions { Compiler = wrapper }));
        Assert.NotEqual(a.Key, b.Key);
        Assert.True(b.WasBuilt);
    }

    [Fact]
    public void Changed_content_of_an_included_local_header_gives_a_new_key_and_new_code()
    {
        using var f = new JitFixture();
        var header = f.Write("inc/consts.h", "#define MY_CONST 10\n");
        var options = new JitBuildOptions { IncludeDirectories = [Path.GetDirectoryName(header)!] };
        JitRequest R() => new()
        {
            Signature = "sigH", CacheDirectory = f.Cache, Build = options,
            Generate = _ => new GeneratedCode("", "#include \"consts.h\"\nint kiln_value(void) { return MY_CONST; }\n"),
        };
        var a = new JitCompiler().Jit(R());
        Assert.Equal(10, JitFixture.CallValue(a));
        var unchanged = new JitCompiler().Jit(R());
        Assert.False(unchanged.WasBuilt);
        File.WriteAllText(header, "#define MY_CONST 20\n");
        var b = new JitCompiler().Jit(R());
        Assert.True(b.WasBuilt);
        Assert.NotEqual(a.Key, b.Key);
        Assert.Equal(20, JitFixture.CallValue(b));
    }

    [Fact]
    public void Native_march_is_keyed_and_builds()
    {
        using var f = new JitFixture();
        var lib = new JitCompiler().Jit(Request(f, "sigN", 4, new JitBuildOptions { Flags = ["-O2", "-march=native"] }));
        Assert.Equal(4, JitFixture.CallValue(lib));
        var manifest = File.ReadAllText(Path.Combine(f.Cache, "manifest", lib.Key + ".txt"));
        Assert.Contains("-march=", manifest, StringComparison.Ordinal);
        Assert.DoesNotContain("-march=native", manifest.Split('\n').Where(l => l.StartsWith("input ", StringComparison.Ordinal)).Aggregate("", (x, y) => x + y), StringComparison.Ordinal);
    }

    [Fact]
    public void A_dependency_is_linked_and_loaded_first()
    {
        using var f = new JitFixture();
        var jit = new JitCompiler();
        var a = jit.Jit(new JitRequest
        {
            Signature = "depA", CacheDirectory = f.Cache,
            Generate = _ => new GeneratedCode("int a_value(void);\n", "int a_value(void) { return 40; }\n"),
        });
        var b = jit.Jit(new JitRequest
        {
            Signature = "depB", CacheDirectory = f.Cache,
            Generate = _ => new GeneratedCode("", "#include \"depA.h\"\nint b_value(void) { return a_value() + 2; }\n", ["depA"]),
        });
        Assert.Equal(42, JitFixture.CallValue(b, "b_value"));
        Assert.Same(a, Assert.Single(b.Dependencies));
        var fresh = new JitCompiler().Jit(new JitRequest { Signature = "depB", CacheDirectory = f.Cache });
        Assert.False(fresh.WasBuilt);
        Assert.Equal("depA", Assert.Single(fresh.Dependencies).Signature);
        Assert.Equal(42, JitFixture.CallValue(fresh, "b_value"));
    }

    [Fact]
    public void An_unknown_dependency_is_a_request_error_naming_it()
    {
        using var f = new JitFixture();
        var e = Assert.Throws<JitRequestException>(() => new JitCompiler().Jit(new JitRequest
        {
            Signature = "depX", CacheDirectory = f.Cache,
            Generate = _ => new GeneratedCode("", "int x(void) { return 1; }\n", ["never-jitted"]),
        }));
        Assert.Contains("never-jitted", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Global_symbol_scope_lets_a_later_library_bind_to_an_earlier_one()
    {
        using var f = new JitFixture();
        var jit = new JitCompiler();
        jit.Jit(new JitRequest
        {
            Signature = "globA", CacheDirectory = f.Cache, GlobalSymbols = true,
            Generate = _ => new GeneratedCode("", "int glob_provider(void) { return 7; }\n"),
        });
        // Not linked against globA: the symbol resolves only through the global scope (lazy binding is off: RTLD_NOW).
        var b = jit.Jit(new JitRequest
        {
            Signature = "globB", CacheDirectory = f.Cache,
            Generate = _ => new GeneratedCode("", "int glob_provider(void);\nint kiln_value(void) { return glob_provider() * 6; }\n"),
        });
        Assert.Equal(42, JitFixture.CallValue(b));
    }

    [Fact]
    public void Cxx_sources_build_with_the_cxx_compiler()
    {
        using var f = new JitFixture();
        var lib = new JitCompiler().Jit(new JitRequest
        {
            Signature = "cxx1", CacheDirectory = f.Cache, Build = new JitBuildOptions { Language = SourceLanguage.Cxx },
            Generate = _ => new GeneratedCode("", "#include <vector>\nextern \"C\" int kiln_value() { std::vector<int> v{1,2,3}; return (int)v.size(); }\n"),
        });
        Assert.Equal(3, JitFixture.CallValue(lib));
        Assert.True(File.Exists(Path.Combine(f.Cache, "src", lib.Key + ".cpp.gz")));
    }

    [Theory]
    [InlineData(SourceRetention.Keep, ".c")]
    [InlineData(SourceRetention.Gzip, ".c.gz")]
    [InlineData(SourceRetention.Delete, null)]
    public void Source_retention_keeps_compresses_or_deletes_the_source(SourceRetention retention, string? suffix)
    {
        using var f = new JitFixture();
        var lib = new JitCompiler().Jit(Request(f, "ret" + retention, 1, new JitBuildOptions { SourceRetention = retention }));
        var sources = Directory.GetFiles(Path.Combine(f.Cache, "src"));
        if (suffix is null)
            Assert.Empty(sources);
        else
            Assert.Equal(Path.Combine(f.Cache, "src", lib.Key + suffix), Assert.Single(sources));
        Assert.True(File.Exists(Path.Combine(f.Cache, "include", lib.Key + ".h")));
        Assert.True(File.Exists(Path.Combine(f.Cache, "log", lib.Key + ".txt")));
        // The private build folder is removed in the background after publishing.
        var tmp = Path.Combine(f.Cache, "tmp");
        var waited = System.Diagnostics.Stopwatch.StartNew();
        while (Directory.GetFileSystemEntries(tmp).Length > 0 && waited.Elapsed < TimeSpan.FromSeconds(30))
            Thread.Sleep(20);
        Assert.Empty(Directory.GetFileSystemEntries(tmp));
    }

    [Fact]
    public void An_empty_signature_is_one_clear_error()
    {
        using var f = new JitFixture();
        var e = Assert.Throws<JitRequestException>(() => new JitCompiler().Jit(Request(f, "  ", 1)));
        Assert.Contains("empty signature", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void An_unknown_compiler_is_one_clear_error_naming_it()
    {
        using var f = new JitFixture();
        var e = Assert.Throws<JitRequestException>(() => new JitCompiler().Jit(Request(f, "sigU", 1, new JitBuildOptions { Compiler = "no-such-cc-42" })));
        Assert.Contains("no-such-cc-42", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void An_unwritable_cache_directory_is_one_clear_error_naming_it()
    {
        using var f = new JitFixture();
        var file = f.Write("not-a-dir", "x");
        var cache = Path.Combine(file, "cache");
        var e = Assert.Throws<JitCacheException>(() => new JitCompiler().Jit(new JitRequest
        {
            Signature = "sigRO", CacheDirectory = cache, Generate = s => JitFixture.ValueCode(s, 1),
        }));
        Assert.Contains(cache, e.Message, StringComparison.Ordinal);
        Assert.Contains("writable", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Statistics_count_misses_compiles_bytes_and_hits()
    {
        using var f = new JitFixture();
        new JitCompiler().Jit(Request(f, "st1", 1));
        new JitCompiler().Jit(Request(f, "st1", 1));
        var stats = JitCache.Open(f.Cache).Statistics();
        Assert.Equal(1, stats.Misses);
        Assert.Equal(1, stats.Compiles);
        Assert.Equal(1, stats.Hits);
        Assert.True(stats.BytesBuilt > 0);
        Assert.True(stats.CompileSeconds > 0);
    }

    [Fact]
    public void A_size_limit_evicts_the_least_recently_used_entries_after_a_build()
    {
        using var f = new JitFixture();
        new JitCompiler().Jit(Request(f, "lim0", 0));
        var one = JitCache.Open(f.Cache).TotalBytes();
        var jit = new JitCompiler(new JitCompilerOptions { MaxCacheBytes = one + one / 2 });
        jit.Jit(Request(f, "lim1", 1));
        var last = jit.Jit(Request(f, "lim2", 2));
        var entry = Assert.Single(JitCache.Open(f.Cache).Entries());
        Assert.Equal(last.Key, entry.Key);
        Assert.Equal(2, JitFixture.CallValue(last));
    }
}
