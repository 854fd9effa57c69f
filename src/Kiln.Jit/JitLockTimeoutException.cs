namespace Kiln.Jit;

/// <summary>Another live process held a key's build lock for longer than the request's timeout.</summary>
public sealed class JitLockTimeoutException : JitException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public JitLockTimeoutException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public JitLockTimeoutException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a generic message (prefer the message constructors).</summary>
    public JitLockTimeoutException() : base("timed out waiting for a JIT build lock") { }
}
