namespace Kiln.Jit;

/// <summary>A request is malformed: empty signature, unknown compiler, bad flags, unresolvable dependency.</summary>
public sealed class JitRequestException : JitException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public JitRequestException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public JitRequestException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a generic message (prefer the message constructors).</summary>
    public JitRequestException() : base("invalid JIT request") { }
}
