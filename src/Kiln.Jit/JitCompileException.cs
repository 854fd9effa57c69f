namespace Kiln.Jit;

/// <summary>
/// The compiler rejected generated code. Carries the exact command, the tail of the compiler's output and the
/// failure folder (<c>jitfailure-&lt;signature&gt;/</c>) whose <c>recompile.sh</c> reproduces the error.
/// </summary>
public sealed class JitCompileException : JitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="signature">The caller's signature.</param>
    /// <param name="command">The compiler command line, shell-quoted.</param>
    /// <param name="outputTail">The last lines of the compiler's output.</param>
    /// <param name="failureDirectory">The folder holding source, header, command, environment and recompile.sh.</param>
    /// <param name="fromFailureRecord">True when this process did not compile but found the recorded failure.</param>
    public JitCompileException(string signature, string command, string outputTail, string failureDirectory, bool fromFailureRecord)
        : this(signature, command, outputTail, failureDirectory, fromFailureRecord, exitCode: null)
    {
    }

    /// <summary>Creates the exception, with the compiler's exit status.</summary>
    /// <param name="signature">The caller's signature.</param>
    /// <param name="command">The compiler command line, shell-quoted.</param>
    /// <param name="outputTail">The last lines of the compiler's output.</param>
    /// <param name="failureDirectory">The folder holding source, header, command, environment and recompile.sh.</param>
    /// <param name="fromFailureRecord">True when this process did not compile but found the recorded failure.</param>
    /// <param name="exitCode">The compiler's exit status, when known; named in the message if the compiler printed nothing.</param>
    public JitCompileException(string signature, string command, string outputTail, string failureDirectory, bool fromFailureRecord, int? exitCode)
        : base(FormatMessage(signature, command, outputTail, failureDirectory, fromFailureRecord, exitCode))
    {
        Signature = signature;
        Command = command;
        OutputTail = outputTail;
        FailureDirectory = failureDirectory;
        FromFailureRecord = fromFailureRecord;
        ExitCode = exitCode;
    }

    /// <summary>Creates the exception with a one-line message (prefer the full constructor).</summary>
    public JitCompileException(string message) : base(message)
    {
        Signature = Command = OutputTail = FailureDirectory = "";
    }

    /// <summary>Creates the exception with a one-line message and its cause (prefer the full constructor).</summary>
    public JitCompileException(string message, Exception innerException) : base(message, innerException)
    {
        Signature = Command = OutputTail = FailureDirectory = "";
    }

    /// <summary>Creates the exception with a generic message (prefer the full constructor).</summary>
    public JitCompileException() : this("JIT compilation failed") { }

    /// <summary>The caller's signature.</summary>
    public string Signature { get; }

    /// <summary>The compiler command line, shell-quoted, as run.</summary>
    public string Command { get; }

    /// <summary>The last lines (at most 40) of the compiler's standard output and error.</summary>
    public string OutputTail { get; }

    /// <summary>The <c>jitfailure-&lt;signature&gt;</c> folder.</summary>
    public string FailureDirectory { get; }

    /// <summary>True when the failure was read from the cache's failure record instead of compiling again.</summary>
    public bool FromFailureRecord { get; }

    /// <summary>The compiler's exit status, when known (null for a failure read from the record).</summary>
    public int? ExitCode { get; }

    private static string FormatMessage(string signature, string command, string outputTail, string failureDirectory, bool fromFailureRecord, int? exitCode)
    {
        var reason = FirstErrorLine(outputTail);
        if (reason.Length > 0)
            return $"JIT compilation of '{signature}' failed{(fromFailureRecord ? " (recorded failure, not retried)" : "")}: {reason}; see '{failureDirectory}' (run recompile.sh there), fix the generator, or clear the record with 'kiln jit clean --failures'";
        // Nothing to quote: say what happened instead. Such a failure is not recorded (no evidence it is the code's).
        var status = exitCode is int code ? $"exited with status {code}" : "failed";
        var record = fromFailureRecord ? "clear the record with 'kiln jit clean --failures'" : "not recorded, so the next request compiles again";
        return $"JIT compilation of '{signature}' failed{(fromFailureRecord ? " (recorded failure, not retried)" : "")}: the compiler {status} and printed nothing (command: {command}); see '{failureDirectory}' (run recompile.sh there); {record}";
    }

    private static string FirstErrorLine(string output)
    {
        foreach (var line in output.Split('\n'))
        {
            if (line.Contains("error", StringComparison.OrdinalIgnoreCase))
                return line.Trim();
        }
        var trimmed = output.Trim();
        var nl = trimmed.IndexOf('\n', StringComparison.Ordinal);
        return nl < 0 ? trimmed : trimmed[..nl];
    }
}
