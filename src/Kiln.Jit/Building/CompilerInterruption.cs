using System.Globalization;
using System.Text.RegularExpressions;

namespace Kiln.Jit.Building;

/// <summary>
/// A compiler run that failed for no fault of the code: a process of the compiler was killed by a signal (the kernel's
/// OOM killer sends SIGKILL, a batch system's time limit SIGTERM, <c>ulimit -t</c> SIGXCPU) or ran out of memory. Such
/// a failure is retried and never recorded as a compile failure: a record would make every later request fail fast
/// although the same code may compile the next time.
/// </summary>
/// <remarks>
/// How a signal death shows (measured with gcc 12.2 and clang 14 on Linux, under <c>LC_ALL=C</c>, which
/// <see cref="Kiln.Toolchain.ToolProcess"/> sets; the texts are glibc's <c>strsignal</c>):
/// <list type="number">
/// <item>The compiler process itself died: .NET's <c>Process.ExitCode</c> is 128 + N for a direct child ended by
/// signal N (measured: SIGKILL 137, SIGTERM 143). It cannot be told apart from <c>exit(128 + N)</c>, and a shell
/// reports its own child's signal death with the same status, so a wrapper script looks the same; compilers do not
/// exit with such statuses on their own.</item>
/// <item>gcc's driver reports a subprocess's death and exits 1 (fatal error) or 4 (internal compiler error):
/// <c>gcc: fatal error: Killed signal terminated program cc1</c>, <c>gcc: internal compiler error: Segmentation fault
/// signal terminated program cc1plus</c>; collect2 reports the linker's: <c>collect2: fatal error: ld terminated with
/// signal 9 [Killed]</c>.</item>
/// <item>clang's driver (exit 254 or 1): <c>clang: error: unable to execute command: Killed</c>, then <c>clang: error:
/// clang frontend command failed due to signal (use -v to see invocation)</c> (or <c>linker command failed …</c>).</item>
/// </list>
/// Out of memory without a signal: gcc's <c>cc1: out of memory allocating N bytes after a total of M bytes</c> and
/// <c>virtual memory exhausted</c>, LLVM's <c>LLVM ERROR: out of memory</c>.
/// </remarks>
/// <param name="Reason">What happened, for a message: <c>cc1 (run by gcc) terminated by signal 9 (SIGKILL), possibly out
/// of memory …</c>.</param>
/// <param name="Signal">The signal number, when known.</param>
internal sealed partial record CompilerInterruption(string Reason, int? Signal)
{
    // Linux numbering (x86-64, arm64); Kiln.Jit runs on Linux only.
    private static readonly string[] Names =
    [
        "", "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE", "SIGKILL", "SIGUSR1", "SIGSEGV",
        "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM", "SIGSTKFLT", "SIGCHLD", "SIGCONT", "SIGSTOP", "SIGTSTP", "SIGTTIN",
        "SIGTTOU", "SIGURG", "SIGXCPU", "SIGXFSZ", "SIGVTALRM", "SIGPROF", "SIGWINCH", "SIGIO", "SIGPWR", "SIGSYS",
    ];

    // glibc's strsignal texts, as gcc's and clang's drivers print them.
    private static readonly string[] Texts =
    [
        "", "Hangup", "Interrupt", "Quit", "Illegal instruction", "Trace/breakpoint trap", "Aborted", "Bus error",
        "Floating point exception", "Killed", "User defined signal 1", "Segmentation fault", "User defined signal 2",
        "Broken pipe", "Alarm clock", "Terminated", "Stack fault", "Child exited", "Continued", "Stopped (signal)", "Stopped",
        "Stopped (tty input)", "Stopped (tty output)", "Urgent I/O condition", "CPU time limit exceeded",
        "File size limit exceeded", "Virtual timer expired", "Profiling timer expired", "Window changed", "I/O possible",
        "Power failure", "Bad system call",
    ];

    /// <summary>The interruption a failed compiler run shows, or null when it failed for its input (or for a reason
    /// this does not know).</summary>
    /// <param name="exitCode">The run's exit status as .NET reports it (nonzero).</param>
    /// <param name="output">Its standard output and error.</param>
    /// <param name="compiler">The compiler's name, for the message (e.g. <c>gcc</c>).</param>
    public static CompilerInterruption? Recognise(int exitCode, string output, string compiler)
    {
        if (FromText(output) is { } fromText)
            return fromText;
        if (exitCode is > 128 and <= 128 + 64)
            return Signalled(compiler, null, exitCode - 128, null);
        return null;
    }

    /// <summary>The interruption the compiler output <paramref name="output"/> reports, or null (exit status unknown,
    /// as in an old failure record).</summary>
    public static CompilerInterruption? FromText(string output)
    {
        var gcc = GccSignal().Match(output);
        if (gcc.Success)
            return Signalled(gcc.Groups["prog"].Value, gcc.Groups["driver"].Value, NumberOf(gcc.Groups["text"].Value), gcc.Groups["text"].Value);
        var collect2 = Collect2Signal().Match(output);
        if (collect2.Success)
            return Signalled(collect2.Groups["prog"].Value, collect2.Groups["driver"].Value,
                int.Parse(collect2.Groups["num"].Value, CultureInfo.InvariantCulture), collect2.Groups["text"].Value);
        var clang = ClangSignal().Match(output);
        if (clang.Success)
        {
            var text = ClangUnableToExecute().Match(output) is { Success: true } u ? u.Groups["text"].Value.Trim() : null;
            return Signalled("the " + clang.Groups["what"].Value, clang.Groups["driver"].Value, text is null ? null : NumberOf(text), text);
        }
        var memory = OutOfMemory().Match(output);
        if (memory.Success)
            return new CompilerInterruption($"the compiler ran out of memory ({memory.Value.Trim()})", null);
        return null;
    }

    private static CompilerInterruption Signalled(string program, string? driver, int? signal, string? text)
    {
        var who = driver is null || driver == program ? program : $"{program} (run by {driver})";
        var what = signal is int n && n < Names.Length ? $"signal {n} ({Names[n]})"
            : signal is int m ? $"signal {m}"
            : text is not null ? $"signal '{text}'"
            : "a signal";
        return new CompilerInterruption($"{who} terminated by {what}{Hint(signal)}", signal);
    }

    private static int? NumberOf(string text)
    {
        var i = Array.IndexOf(Texts, text.Trim());
        return i > 0 ? i : null;
    }

    private static string Hint(int? signal) => signal switch
    {
        9 => ", possibly out of memory (the kernel's OOM killer) or a job's memory or time limit",
        1 or 2 or 3 or 15 => ", stopped from outside (a batch system's time limit, a shutdown or a user)",
        24 => ", its CPU time limit (ulimit -t) was exceeded",
        25 => ", its file size limit (ulimit -f) was exceeded",
        4 or 5 or 6 or 7 or 8 or 11 or 31 => ", it crashed (memory or stack exhausted, a hardware fault, or an internal compiler error)",
        _ => "",
    };

    [GeneratedRegex(@"^(?<driver>[^\s:]+): (?:fatal error|internal compiler error): (?<text>.+?) signal terminated program (?<prog>\S+)",
        RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex GccSignal();

    [GeneratedRegex(@"^(?<driver>[^\s:]+): fatal error: (?<prog>\S+) terminated with signal (?<num>\d+) \[(?<text>[^\]]*)\]",
        RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex Collect2Signal();

    [GeneratedRegex(@"^(?<driver>[^\s:]+): error: (?<what>.+?) command failed due to signal",
        RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ClangSignal();

    [GeneratedRegex(@"^[^\s:]+: error: unable to execute command: (?<text>.+)$", RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex ClangUnableToExecute();

    [GeneratedRegex(@"^.*(?:out of memory allocating \d+ bytes|virtual memory exhausted|LLVM ERROR: out of memory).*$",
        RegexOptions.Multiline | RegexOptions.CultureInvariant)]
    private static partial Regex OutOfMemory();
}
