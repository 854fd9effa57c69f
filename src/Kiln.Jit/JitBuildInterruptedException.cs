namespace Kiln.Jit;

/// <summary>
/// The compiler was interrupted — a process of it was killed by a signal (the OOM killer's SIGKILL, a batch system's
/// SIGTERM, <c>ulimit -t</c>'s SIGXCPU, a crash) or it ran out of memory — on every attempt
/// (<see cref="JitCompilerOptions.InterruptedCompileRetries"/> retries). That is no property of the generated code, so
/// nothing is recorded: the next request for the signature compiles again.
/// </summary>
public sealed class JitBuildInterruptedException : JitException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="signature">The caller's signature.</param>
    /// <param name="command">The compiler command line, shell-quoted.</param>
    /// <param name="reason">What happened, e.g. <c>cc1 (run by gcc) terminated by signal 9 (SIGKILL), possibly out of memory …</c>.</param>
    /// <param name="signal">The signal number, when known.</param>
    /// <param name="attempts">How many times the compiler was run.</param>
    /// <param name="outputTail">The last lines of the compiler's output of the last attempt.</param>
    public JitBuildInterruptedException(string signature, string command, string reason, int? signal, int attempts, string outputTail)
        : base($"JIT compilation of '{signature}' was interrupted: {reason} ({(attempts == 1 ? "1 attempt" : $"{attempts} attempts")}); this is no error in the code and was not recorded, so the next request compiles again: give the compiler more memory or time, or allow more retries (InterruptedCompileRetries)")
    {
        Signature = signature;
        Command = command;
        Reason = reason;
        Signal = signal;
        Attempts = attempts;
        OutputTail = outputTail;
    }

    /// <summary>Creates the exception with a one-line message (prefer the full constructor).</summary>
    public JitBuildInterruptedException(string message) : base(message)
    {
        Signature = Command = Reason = OutputTail = "";
    }

    /// <summary>Creates the exception with a one-line message and its cause (prefer the full constructor).</summary>
    public JitBuildInterruptedException(string message, Exception innerException) : base(message, innerException)
    {
        Signature = Command = Reason = OutputTail = "";
    }

    /// <summary>Creates the exception with a generic message (prefer the full constructor).</summary>
    public JitBuildInterruptedException() : this("JIT compilation was interrupted") { }

    /// <summary>The caller's signature.</summary>
    public string Signature { get; }

    /// <summary>The compiler command line, shell-quoted, as run.</summary>
    public string Command { get; }

    /// <summary>What interrupted the compiler (which program, which signal, the likely cause).</summary>
    public string Reason { get; }

    /// <summary>The signal that ended the compiler (or its subprocess), when known; null for running out of memory.</summary>
    public int? Signal { get; }

    /// <summary>How many times the compiler was run (1 + the retries).</summary>
    public int Attempts { get; }

    /// <summary>The last lines (at most 40) of the compiler's output of the last attempt (often empty).</summary>
    public string OutputTail { get; }
}
