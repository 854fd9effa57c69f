using System.Diagnostics;
using Kiln.Jit.Building;
using Kiln.Testing;
using Kiln.Toolchain;

namespace Kiln.Jit.Tests.Building;

public sealed class LibraryBuilderTests
{
    private static JitRequest Broken(JitFixture f, string sig, Action? onGenerate = null, bool retry = false) => new()
    {
        Signature = sig,
        CacheDirectory = f.Cache,
        RetryRecordedFailure = retry,
        Generate = s =>
        {
            onGenerate?.Invoke();
            return new GeneratedCode("#define BROKEN 1\n", $"#include \"{JitSignature.HeaderFileName(s)}\"\nthis is not C;\n");
        },
    };

    [Fact]
    public void A_compile_error_raises_with_the_command_and_the_compiler_output_tail()
    {
        using var f = new JitFixture();
        var e = Assert.Throws<JitCompileException>(() => new JitCompiler().Jit(Broken(f, "broken1")));
        Assert.Contains("gcc", e.Command, StringComparison.Ordinal);
        Assert.Contains("-shared", e.Command, StringComparison.Ordinal);
        Assert.Contains("error", e.OutputTail, StringComparison.Ordinal);
        Assert.Contains("broken1", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.False(e.FromFailureRecord);
        Assert.Empty(Directory.GetFiles(Path.Combine(f.Cache, "lib")));
    }

    [Fact]
    public void A_compile_error_leaves_a_failure_folder_whose_recompile_script_reproduces_it()
    {
        using var f = new JitFixture();
        var e = Assert.Throws<JitCompileException>(() => new JitCompiler().Jit(Broken(f, "broken2")));
        var dir = e.FailureDirectory;
        Assert.Equal("jitfailure-broken2", Path.GetFileName(dir));
        Assert.True(File.Exists(Path.Combine(dir, "broken2.c")));
        Assert.True(File.Exists(Path.Combine(dir, "include", "broken2.h")));
        Assert.Contains("-shared", File.ReadAllText(Path.Combine(dir, "command.txt")), StringComparison.Ordinal);
        Assert.Contains("PATH=", File.ReadAllText(Path.Combine(dir, "environment.txt")), StringComparison.Ordinal);
        var script = Path.Combine(dir, "recompile.sh");
        Assert.True((File.GetUnixFileMode(script) & UnixFileMode.UserExecute) != 0);
        var r = ToolProcess.Run(script, [], f.Root);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("error", r.StandardError, StringComparison.Ordinal);
        Assert.Contains("this", r.StandardError, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recorded_failure_makes_the_next_request_fail_fast_without_generating()
    {
        using var f = new JitFixture();
        Assert.Throws<JitCompileException>(() => new JitCompiler().Jit(Broken(f, "broken3")));
        var calls = 0;
        var e = Assert.Throws<JitCompileException>(() => new JitCompiler().Jit(Broken(f, "broken3", () => calls++)));
        Assert.True(e.FromFailureRecord);
        Assert.Equal(0, calls);
        Assert.Contains("error", e.OutputTail, StringComparison.Ordinal);
    }

    [Fact]
    public void A_recorded_failure_is_retried_on_request_and_cleared_by_a_fixed_build()
    {
        using var f = new JitFixture();
        Assert.Throws<JitCompileException>(() => new JitCompiler().Jit(Broken(f, "broken4")));
        var calls = 0;
        Assert.Throws<JitCompileException>(() => new JitCompiler().Jit(Broken(f, "broken4", () => calls++, retry: true)));
        Assert.Equal(1, calls);
        var fixedLib = new JitCompiler().Jit(new JitRequest { Signature = "broken4", CacheDirectory = f.Cache, RetryRecordedFailure = true, Generate = s => JitFixture.ValueCode(s, 8) });
        Assert.Equal(8, JitFixture.CallValue(fixedLib));
        Assert.Empty(Directory.GetFiles(Path.Combine(f.Cache, "failures"), "*.txt"));
    }

    [Fact]
    public void A_recorded_failure_no_longer_applies_when_a_header_it_read_changes()
    {
        using var f = new JitFixture();
        var header = f.Write("inc/cfg.h", "#define VALUE this is broken\n");
        var options = new JitBuildOptions { IncludeDirectories = [Path.GetDirectoryName(header)!] };
        JitRequest R() => new()
        {
            Signature = "broken5", CacheDirectory = f.Cache, Build = options,
            Generate = _ => new GeneratedCode("", "#include \"cfg.h\"\nint kiln_value(void) { return VALUE; }\n"),
        };
        Assert.Throws<JitCompileException>(() => new JitCompiler().Jit(R()));
        File.WriteAllText(header, "#define VALUE 5\n");
        Assert.Equal(5, JitFixture.CallValue(new JitCompiler().Jit(R())));
    }

    [Fact]
    public void Another_process_fails_fast_with_the_same_error()
    {
        using var f = new JitFixture();
        var first = JitFixture.RunHost("--cache", f.Cache, "--signature", "brokenP", "--broken");
        var second = JitFixture.RunHost("--cache", f.Cache, "--signature", "brokenP", "--broken");
        Assert.False(first.GetProperty("ok").GetBoolean());
        Assert.Equal("JitCompileException", second.GetProperty("error").GetString());
        Assert.Contains("recorded failure", second.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_command_line_holds_flags_shared_fpic_includes_and_libraries_in_order()
    {
        var options = new JitBuildOptions { Flags = ["-O3"], IncludeDirectories = ["/opt/inc"], LibraryDirectories = ["/opt/lib"], Libraries = ["m"] };
        var args = Kiln.Jit.Building.LibraryBuilder.CompileArguments(options, "/t/include", "/t/x.c", "/t/lib.so", ["/c/lib/libkiln-d.so"]);
        Assert.Equal(["-O3", "-shared", "-fPIC", "-I/t/include", "-I/opt/inc", "/t/x.c", "-o", "/t/lib.so", "/c/lib/libkiln-d.so",
            "-L/opt/lib", "-Wl,-rpath,/opt/lib", "-lm"], args);
    }

    [Fact]
    public void A_library_that_does_not_load_is_not_published()
    {
        using var f = new JitFixture();
        var e = Assert.Throws<JitException>(() => new JitCompiler().Jit(new JitRequest
        {
            Signature = "unloadable", CacheDirectory = f.Cache,
            Generate = _ => new GeneratedCode("", "extern int kiln_missing_symbol;\nint kiln_value(void) { return kiln_missing_symbol; }\n"),
        }));
        Assert.Contains("does not load", e.Message, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(Path.Combine(f.Cache, "manifest")));
        _ = Stopwatch.StartNew();
    }

    [Fact]
    public void A_compiler_that_fails_for_a_full_disk_is_a_cache_error_and_records_no_compile_failure()
    {
        using var f = new JitFixture();
        // A compiler that probes like gcc but whose link step fails as on a full file system.
        var gcc = CompilerDiscovery.FindExecutable("gcc")!;
        var full = ExecutableScript.Write(Path.Combine(f.Root, "full-gcc"), $"#!/bin/sh\ncase \" $* \" in *\" -shared \"*) echo '/usr/bin/ld: final link failed: No space left on device' >&2; exit 1;; esac\nexec '{gcc}' \"$@\"\n");
        var request = new JitRequest
        {
            Signature = "diskfull", CacheDirectory = f.Cache, Build = new JitBuildOptions { Compiler = full },
            Generate = s => JitFixture.ValueCode(s, 1),
        };

        var e = Assert.Throws<JitCacheException>(() => new JitCompiler().Jit(request));

        Assert.Contains($"'{f.Cache}' is full", e.Message, StringComparison.Ordinal);
        Assert.Contains("final link failed: No space left on device", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(f.Cache, "failures")));
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(f.Cache, "tmp")));
        // Space freed: the same request compiles (no recorded failure makes it fail fast).
        File.WriteAllText(full, $"#!/bin/sh\nexec '{gcc}' \"$@\"\n");
        Assert.Equal(1, JitFixture.CallValue(new JitCompiler().Jit(request)));
    }

    private static JitRequest Valued(JitFixture f, string sig, string compiler, Action? onGenerate = null) => new()
    {
        Signature = sig, CacheDirectory = f.Cache, Build = new JitBuildOptions { Compiler = compiler },
        Generate = s =>
        {
            onGenerate?.Invoke();
            return JitFixture.ValueCode(s, 3);
        },
    };

    private static void AssertNothingRecorded(JitFixture f, bool failed = true)
    {
        Assert.Empty(Directory.GetFileSystemEntries(Path.Combine(f.Cache, "failures")));
        if (failed) // a successful build deletes its private folder in the background
            // (The statistics' own temporary, tmp/stats.txt.<pid>, lives for the moment of their atomic write.)
            Assert.DoesNotContain(Directory.GetFileSystemEntries(Path.Combine(f.Cache, "tmp")), e => !Path.GetFileName(e).StartsWith("stats.txt.", StringComparison.Ordinal));
    }

    [Fact]
    public void A_compiler_killed_by_SIGKILL_once_is_run_again_and_the_library_is_built_with_nothing_recorded()
    {
        using var f = new JitFixture();
        var cc = new KillingCompiler(f.Root, CompilerDiscovery.FindExecutable("gcc")!, KillStyle.Direct) { KillsLeft = 1 };

        var library = new JitCompiler().Jit(Valued(f, "killed-once", cc.Path));

        Assert.Equal(3, JitFixture.CallValue(library));
        Assert.Equal(2, cc.Compiles);
        AssertNothingRecorded(f, failed: false);
    }

    [Fact]
    public void A_compiler_whose_cc1_is_killed_on_every_attempt_is_an_interrupted_build_naming_the_signal_and_nothing_is_recorded()
    {
        using var f = new JitFixture();
        var gcc = CompilerDiscovery.FindExecutable("gcc")!; // a resolved link: x86_64-linux-gnu-gcc-12 here
        var cc = new KillingCompiler(f.Root, gcc, KillStyle.Subprocess) { KillsLeft = 100 };
        var generated = 0;

        var e = Assert.Throws<JitBuildInterruptedException>(() => new JitCompiler().Jit(Valued(f, "cc1-killed", cc.Path, () => generated++)));

        Assert.StartsWith($"JIT compilation of 'cc1-killed' was interrupted: cc1 (run by {Path.GetFileName(gcc)}) terminated by signal 9 (SIGKILL), possibly out of memory", e.Message, StringComparison.Ordinal);
        Assert.Contains("(2 attempts)", e.Message, StringComparison.Ordinal);
        Assert.Contains("was not recorded", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
        Assert.Equal(9, e.Signal);
        Assert.Equal(2, e.Attempts);
        Assert.Contains("-shared", e.Command, StringComparison.Ordinal);
        Assert.Contains("Killed signal terminated program cc1", e.OutputTail, StringComparison.Ordinal);
        Assert.Equal(1, generated);
        Assert.Equal(2, cc.Compiles);
        AssertNothingRecorded(f);

        // Nothing recorded: a new process (here: a new compiler, no memo) compiles again and succeeds.
        cc.KillsLeft = 0;
        Assert.Equal(3, JitFixture.CallValue(new JitCompiler().Jit(Valued(f, "cc1-killed", cc.Path, () => generated++))));
        Assert.Equal(2, generated);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(2)]
    public void The_retries_after_an_interrupted_compile_are_configurable(int retries)
    {
        using var f = new JitFixture();
        var cc = new KillingCompiler(f.Root, CompilerDiscovery.FindExecutable("gcc")!, KillStyle.Direct, signal: 15) { KillsLeft = 100 };

        var e = Assert.Throws<JitBuildInterruptedException>(() =>
            new JitCompiler(new JitCompilerOptions { InterruptedCompileRetries = retries }).Jit(Valued(f, "retries", cc.Path)));

        Assert.Contains($"{Path.GetFileName(cc.Path)} terminated by signal 15 (SIGTERM), stopped from outside", e.Message, StringComparison.Ordinal);
        Assert.Equal(retries + 1, e.Attempts);
        Assert.Equal(retries + 1, cc.Compiles);
        AssertNothingRecorded(f);
    }

    [Fact]
    public void Another_process_honours_the_retry_variable_and_an_interrupted_compile_does_not_fail_the_next_process()
    {
        using var f = new JitFixture();
        var cc = new KillingCompiler(f.Root, CompilerDiscovery.FindExecutable("gcc")!, KillStyle.Subprocess) { KillsLeft = 2 };
        string[] args = ["--cache", f.Cache, "--signature", "killed-in-host", "--compiler", cc.Path, "--value", "4"];

        var first = JitFixture.RunHost(new Dictionary<string, string> { ["KILN_JIT_COMPILE_RETRIES"] = "0" }, args);
        var second = JitFixture.RunHost(args);

        Assert.Equal("JitBuildInterruptedException", first.GetProperty("error").GetString());
        Assert.Contains("(1 attempt)", first.GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.True(second.GetProperty("ok").GetBoolean(), second.ToString());
        Assert.Equal(4, second.GetProperty("value").GetInt32());
        Assert.Equal(3, cc.Compiles); // 1 in the first process; killed once more, then built, in the second
    }

    [Fact]
    public void A_compiler_that_fails_without_a_word_names_its_exit_status_and_command_and_is_not_recorded()
    {
        using var f = new JitFixture();
        var gcc = CompilerDiscovery.FindExecutable("gcc")!;
        var silent = ExecutableScript.Write(Path.Combine(f.Root, "silent-gcc"), $"#!/bin/sh\ncase \" $* \" in *\" -shared \"*) exit 3;; esac\nexec '{gcc}' \"$@\"\n");
        var generated = 0;

        var e = Assert.Throws<JitCompileException>(() => new JitCompiler().Jit(Valued(f, "silent", silent, () => generated++)));

        Assert.Contains($"JIT compilation of 'silent' failed: the compiler exited with status 3 and printed nothing (command: {silent} ", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("failed: ;", e.Message, StringComparison.Ordinal);
        Assert.Contains("not recorded", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, e.ExitCode);
        Assert.True(File.Exists(Path.Combine(e.FailureDirectory, "recompile.sh")));
        Assert.Empty(Directory.GetFiles(Path.Combine(f.Cache, "failures"), "*.txt"));
        Assert.Throws<JitCompileException>(() => new JitCompiler().Jit(Valued(f, "silent", silent, () => generated++)));
        Assert.Equal(2, generated); // compiled again, not failed fast
    }

    [Fact]
    public void A_failure_record_of_a_killed_compiler_left_by_an_older_version_is_ignored()
    {
        using var f = new JitFixture();
        Assert.Throws<JitCompileException>(() => new JitCompiler().Jit(Broken(f, "old-record")));
        var path = Directory.GetFiles(Path.Combine(f.Cache, "failures"), "*.txt").Single();
        var record = FailureRecord.TryRead(path)!;
        File.WriteAllText(path, new FailureRecord
        {
            Signature = record.Signature, Command = record.Command, FailureDirectory = record.FailureDirectory,
            OutputTail = "gcc: fatal error: Killed signal terminated program cc1\ncompilation terminated.",
        }.Format());

        var library = new JitCompiler().Jit(new JitRequest { Signature = "old-record", CacheDirectory = f.Cache, Generate = s => JitFixture.ValueCode(s, 6) });

        Assert.Equal(6, JitFixture.CallValue(library));
        Assert.False(File.Exists(path)); // replaced by the successful build's outcome
    }
}
