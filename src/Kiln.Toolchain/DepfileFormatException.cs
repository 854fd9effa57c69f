namespace Kiln.Toolchain;

/// <summary>A depfile does not have the Makefile rule shape.</summary>
public sealed class DepfileFormatException : ToolchainException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public DepfileFormatException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and the underlying cause.</summary>
    public DepfileFormatException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a generic message (prefer the message constructors).</summary>
    public DepfileFormatException() : base("malformed depfile") { }
}
