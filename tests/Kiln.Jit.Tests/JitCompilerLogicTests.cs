using Kiln.Jit.Cache;
using Kiln.Jit.Tests.Building;
using Kiln.Testing;
using Kiln.Toolchain;

namespace Kiln.Jit.Tests;

/// <summary>The decisions of <see cref="JitCompiler"/> on a <see cref="ScriptedCompilerRunner"/>: no compiler runs.</summary>
public sealed class JitCompilerLogicTests : IDisposable
{
    private static readonly ToolProcessResult CompileError = new(1, "", "gen.c:1:1: error: expected ';' before '}' token\n");

    private readonly JitFixture _f = new();
    private readonly string _compiler;

    public JitCompilerLogicTests()
    {
        // Never run: the scripted runner answers for it (a run would exit 99 and fail the test's expectations).
        _compiler = Path.Combine(_f.Root, "fake-gcc");
        ExecutableScript.Write(_compiler, "#!/bin/sh\nexit 99\n");
    }

    public void Dispose() => _f.Dispose();

    private JitCompiler Compiler(ScriptedCompilerRunner runner) => new(new JitCompilerOptions { CompilerRunner = runner });

    private JitRequest Request(string signature, bool retry = false) => new()
    {
        Signature = signature,
        CacheDirectory = _f.Cache,
        RetryRecordedFailure = retry,
        Build = new JitBuildOptions { Compiler = _compiler },
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
        Assert.False(File.Exists(new CacheLayout(_f.Cache).LockPath(first.BaseKey!)));
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
        Assert.True(File.Exists(Path.Combine(built.FailureDirectory, "recompile.sh")));
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

        Assert.True(Directory.Exists(first.FailureDirectory));
        Assert.Empty(Directory.EnumerateFiles(new CacheLayout(_f.Cache).Failures, "*.txt"));
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
        Assert.Empty(Directory.EnumerateFiles(new CacheLayout(_f.Cache).Failures, "*.txt"));
    }
}
