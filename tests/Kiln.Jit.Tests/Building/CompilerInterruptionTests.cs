using Kiln.Jit.Building;

namespace Kiln.Jit.Tests.Building;

/// <summary>The texts are what gcc 12.2 and clang 14 printed here under LC_ALL=C when their subprocesses were killed.</summary>
public sealed class CompilerInterruptionTests
{
    [Theory]
    [InlineData("gcc: fatal error: Killed signal terminated program cc1\ncompilation terminated.\n", 1,
        "cc1 (run by gcc) terminated by signal 9 (SIGKILL), possibly out of memory", 9)]
    [InlineData("g++: fatal error: Terminated signal terminated program cc1plus\ncompilation terminated.\n", 1,
        "cc1plus (run by g++) terminated by signal 15 (SIGTERM), stopped from outside", 15)]
    [InlineData("gcc: internal compiler error: Segmentation fault signal terminated program cc1\nPlease submit a full bug report, with preprocessed source (by using -freport-bug).\n", 4,
        "cc1 (run by gcc) terminated by signal 11 (SIGSEGV), it crashed", 11)]
    [InlineData("gcc: internal compiler error: CPU time limit exceeded signal terminated program cc1\n", 4,
        "cc1 (run by gcc) terminated by signal 24 (SIGXCPU), its CPU time limit (ulimit -t) was exceeded", 24)]
    [InlineData("collect2: fatal error: ld terminated with signal 9 [Killed]\ncompilation terminated.\n", 1,
        "ld (run by collect2) terminated by signal 9 (SIGKILL), possibly out of memory", 9)]
    [InlineData("clang: error: unable to execute command: Killed\nclang: error: clang frontend command failed due to signal (use -v to see invocation)\n", 254,
        "the clang frontend (run by clang) terminated by signal 9 (SIGKILL)", 9)]
    [InlineData("clang: error: unable to execute command: Killed\nclang: error: linker command failed due to signal (use -v to see invocation)\n", 254,
        "the linker (run by clang) terminated by signal 9 (SIGKILL)", 9)]
    public void A_driver_that_reports_a_killed_subprocess_is_an_interruption_naming_the_program_and_the_signal(string output, int exitCode, string reason, int signal)
    {
        var interruption = CompilerInterruption.Recognise(exitCode, output, "gcc");

        Assert.NotNull(interruption);
        Assert.StartsWith(reason, interruption.Reason, StringComparison.Ordinal);
        Assert.Equal(signal, interruption.Signal);
    }

    [Theory]
    [InlineData(137, 9, "gcc terminated by signal 9 (SIGKILL), possibly out of memory (the kernel's OOM killer)")]
    [InlineData(143, 15, "gcc terminated by signal 15 (SIGTERM)")]
    [InlineData(152, 24, "gcc terminated by signal 24 (SIGXCPU)")]
    public void An_exit_status_of_128_plus_N_is_death_by_signal_N(int exitCode, int signal, string reason)
    {
        var interruption = CompilerInterruption.Recognise(exitCode, "", "gcc");

        Assert.NotNull(interruption);
        Assert.StartsWith(reason, interruption.Reason, StringComparison.Ordinal);
        Assert.Equal(signal, interruption.Signal);
    }

    [Theory]
    [InlineData("cc1: out of memory allocating 65536 bytes after a total of 1073741824 bytes\n")]
    [InlineData("virtual memory exhausted: Cannot allocate memory\n")]
    [InlineData("LLVM ERROR: out of memory\n")]
    public void Running_out_of_memory_is_an_interruption(string output)
    {
        var interruption = CompilerInterruption.Recognise(1, output, "gcc");

        Assert.NotNull(interruption);
        Assert.Contains("ran out of memory (" + output.Trim() + ")", interruption.Reason, StringComparison.Ordinal);
        Assert.Null(interruption.Signal);
    }

    [Theory]
    [InlineData(1, "x.c:2:1: error: unknown type name 'this'\n")]
    [InlineData(1, "x.c:1:12: error: 'Killed' undeclared (first use in this function)\n")]
    [InlineData(4, "x.c:3:1: internal compiler error: in expand_expr, at expr.c:1\n")]
    [InlineData(1, "")]
    [InlineData(128, "")]
    [InlineData(200, "")]
    public void A_compile_error_or_an_ordinary_exit_status_is_no_interruption(int exitCode, string output)
    {
        Assert.Null(CompilerInterruption.Recognise(exitCode, output, "gcc"));
    }
}
