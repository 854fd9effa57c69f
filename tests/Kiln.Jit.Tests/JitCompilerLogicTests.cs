using Kiln.Jit.Cache;
using Kiln.Jit.Tests.Building;
using Kiln.Jit.Tests.Fakes;
using Kiln.Toolchain;

namespace Kiln.Jit.Tests;

/// <summary>The decisions of <see cref="JitCompiler"/> on a <see cref="ScriptedCompilerRunner"/> and an
/// <see cref="InMemoryCacheFileSystem"/>: no compiler runs and nothing touches the disk.</summary>
public sealed class JitCompilerLogicTests
{
    private static readonly ToolProcessResult CompileError = new(1, "", "gen.c:1:1: error: expected ';' before '}' token\n");

    private readonly FakeCache _f = new();

    private JitCompiler Compiler(ScriptedCompilerRunner runner) => new(new JitCompilerOptions { CompilerRunner = runner, FileSystem = _f.Files });

    private JitRequest Request(string signature, bool retry = false) => new()
    {
        Signature = signature,
        CacheDirectory = _f.Root,
        SharedCacheDirectories = [],
        RetryRecordedFailure = retry,
        Build = new JitBuildOptions { Compiler = _f.Compiler },
        Generate = _ => new GeneratedCode("", "int f(void) { return 1 }\n"),
    };

    [Fact]
    public void A_lookup_of_a_miss_probes_the_compiler_once_and_neither_claims_nor_compiles()
    {
        var runner = new ScriptedCompilerRunner(CompileError);
        var compiler = Compiler(runner);

        var first = compiler.Lookup(Request("logic-miss"));
        var second = compiler.Lookup(Request("logic-miss"));

        Assert.Null(first.Library);
        Assert.Equal(first.BaseKey, second.BaseKey);
        Assert.Equal(1, runner.Probes);
        Assert.Empty(runner.Compiles);
        Assert.False(_f.Files.FileExists(_f.Layout.LockPath(first.BaseKey!)));
    }

    [Fact]
    public void A_compile_error_with_diagnostics_is_recorded_and_the_next_process_fails_from_the_record_without_compiling()
    {
        var runner = new ScriptedCompilerRunner(CompileError);

        var built = Assert.Throws<JitCompileException>(() => Compiler(runner).Jit(Request("logic-error")));
        var recorded = Assert.Throws<JitCompileException>(() => Compiler(runner).Jit(Request("logic-error")));

        Assert.False(built.FromFailureRecord);
        Assert.True(recorded.FromFailureRecord);
        Assert.Contains("expected ';'", recorded.OutputTail, StringComparison.Ordinal);
        Assert.True(_f.Files.FileExists(Path.Combine(built.FailureDirectory, "recompile.sh")));
        Assert.Single(runner.Compiles);
    }

    [Fact]
    public void A_recorded_failure_is_compiled_again_when_the_request_retries()
    {
        var runner = new ScriptedCompilerRunner(CompileError);
        Assert.Throws<JitCompileException>(() => Compiler(runner).Jit(Request("logic-retry")));

        var again = Assert.Throws<JitCompileException>(() => Compiler(runner).Jit(Request("logic-retry", retry: true)));

        Assert.False(again.FromFailureRecord);
        Assert.Equal(2, runner.Compiles.Count);
    }

    [Fact]
    public void A_silent_nonzero_exit_gets_a_failure_folder_but_no_record_so_the_next_request_compiles_again()
    {
        var runner = new ScriptedCompilerRunner(new ToolProcessResult(1, "", ""));

        var first = Assert.Throws<JitCompileException>(() => Compiler(runner).Jit(Request("logic-silent")));
        Assert.Throws<JitCompileException>(() => Compiler(runner).Jit(Request("logic-silent")));

        Assert.True(_f.Files.DirectoryExists(first.FailureDirectory));
        Assert.DoesNotContain(_f.Files.List(_f.Layout.Failures), p => p.EndsWith(".txt", StringComparison.Ordinal));
        Assert.Equal(2, runner.Compiles.Count);
    }

    [Fact]
    public void A_compiler_killed_by_a_signal_is_retried_then_reported_as_interrupted_and_nothing_is_recorded()
    {
        var runner = new ScriptedCompilerRunner(new ToolProcessResult(128 + 9, "", ""));

        var e = Assert.Throws<JitBuildInterruptedException>(() => Compiler(runner).Jit(Request("logic-killed")));

        Assert.Equal(9, e.Signal);
        Assert.Equal(2, e.Attempts);
        Assert.Equal(2, runner.Compiles.Count);
        Assert.DoesNotContain(_f.Files.List(_f.Layout.Failures), p => p.EndsWith(".txt", StringComparison.Ordinal));
    }

    // Added with the file-system seam: decisions that before needed a real cache directory.

    [Fact]
    public void A_failure_folder_holds_the_source_header_command_environment_and_an_executable_recompile_script()
    {
        var runner = new ScriptedCompilerRunner(CompileError);
        var request = Request("logic-folder");

        var e = Assert.Throws<JitCompileException>(() => Compiler(runner).Jit(new JitRequest
        {
            Signature = request.Signature, CacheDirectory = request.CacheDirectory, SharedCacheDirectories = [], Build = request.Build,
            Generate = _ => new GeneratedCode("#define H 1\n", "int f(void) { return 1 }\n"),
        }));

        Assert.Equal(["README", "command.txt", "environment.txt", "error.log", "include", "logic-folder.c", "recompile.sh"],
            _f.Files.List(e.FailureDirectory).Select(Path.GetFileName));
        Assert.Equal("#define H 1\n", _f.Files.ReadAllText(Path.Combine(e.FailureDirectory, "include", "logic-folder.h")));
        Assert.True(_f.Files.IsExecutable(Path.Combine(e.FailureDirectory, "recompile.sh")));
        Assert.Contains(_f.Compiler, _f.Files.ReadAllText(Path.Combine(e.FailureDirectory, "recompile.sh")), StringComparison.Ordinal);
        Assert.DoesNotContain(_f.Files.List(_f.Layout.Tmp), p => Path.GetFileName(p).StartsWith("fail-", StringComparison.Ordinal));
    }

    [Fact]
    public void A_failed_build_removes_its_private_folder_and_counts_a_miss_and_a_failed_compile()
    {
        var runner = new ScriptedCompilerRunner(CompileError);

        Assert.Throws<JitCompileException>(() => Compiler(runner).Jit(Request("logic-stats")));

        Assert.Empty(_f.Files.List(_f.Layout.Tmp));
        var stats = _f.Cache.Statistics();
        Assert.Equal((0, 1, 1, 1), (stats.Hits, stats.Misses, stats.Compiles, stats.CompileFailures));
    }

    [Fact]
    public void A_probed_compiler_identity_is_cached_on_disk_so_a_new_process_only_stats_the_compiler()
    {
        var runner = new ScriptedCompilerRunner(CompileError);
        Compiler(runner).Lookup(Request("logic-probe"));
        ProbeCache.ClearMemo(); // as a new process

        var again = new ScriptedCompilerRunner(CompileError);
        Compiler(again).Lookup(Request("logic-probe"));

        Assert.Equal(1, runner.Probes);
        Assert.Equal(0, again.Probes);
        Assert.Single(_f.Files.List(_f.Layout.Probes));
    }

    [Fact]
    public void A_replaced_compiler_file_is_probed_again_and_gives_another_base_key()
    {
        var runner = new ScriptedCompilerRunner(CompileError);
        var before = Compiler(runner).Lookup(Request("logic-reinstall"));
        _f.Files.WriteAtomically(_f.Compiler, "#!/bin/sh\nexit 98\n", _f.Compiler + ".new");

        var after = Compiler(runner).Lookup(Request("logic-reinstall"));

        Assert.Equal(2, runner.Probes);
        Assert.Equal(before.BaseKey, after.BaseKey); // the scripted identity is the same, so the key is too
        Assert.Equal(2, _f.Files.List(_f.Layout.Probes).Count);
    }

    [Fact]
    public void A_recorded_failure_stops_applying_when_a_header_it_read_changed()
    {
        _f.Files.CreateDirectory("/fake/include");
        _f.Files.WriteAllText("/fake/include/cfg.h", "#define V 1\n");
        var runner = new ScriptedCompilerRunner(CompileError) { Files = _f.Files, HeadersRead = ["/fake/include/cfg.h"] };
        Assert.Throws<JitCompileException>(() => Compiler(runner).Jit(Request("logic-header")));
        Assert.True(Assert.Throws<JitCompileException>(() => Compiler(runner).Jit(Request("logic-header"))).FromFailureRecord);

        _f.Files.WriteAllText("/fake/include/cfg.h", "#define V 2\n");

        Assert.False(Assert.Throws<JitCompileException>(() => Compiler(runner).Jit(Request("logic-header"))).FromFailureRecord);
        Assert.Equal(2, runner.Compiles.Count);
    }

    [Fact]
    public void A_request_for_a_missing_key_without_a_generator_is_a_request_error_and_compiles_nothing()
    {
        var runner = new ScriptedCompilerRunner(CompileError);

        var e = Assert.Throws<JitRequestException>(() => Compiler(runner).Jit(new JitRequest
        {
            Signature = "logic-nogen", CacheDirectory = _f.Root, SharedCacheDirectories = [], Build = new JitBuildOptions { Compiler = _f.Compiler },
        }));

        Assert.Contains("has no generator", e.Message, StringComparison.Ordinal);
        Assert.Empty(runner.Compiles);
    }
}
