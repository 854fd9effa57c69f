namespace Kiln.Jit;

/// <summary>
/// Base of every error Kiln.Jit raises on purpose. The message is one line: what failed, which signature or path,
/// why, and what to do; callers (and the <c>kiln</c> CLI) print it without a stack trace.
/// </summary>
public class JitException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public JitException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public JitException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a generic message (prefer the message constructors).</summary>
    public JitException() : base("JIT error") { }
}
