namespace Kiln.Toolchain;

/// <summary>
/// A toolchain problem the user can act on. The message is one line: what failed, on which path or name, why,
/// and what to do.
/// </summary>
public class ToolchainException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public ToolchainException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and the underlying cause.</summary>
    public ToolchainException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a generic message (prefer the message constructors).</summary>
    public ToolchainException() : base("toolchain error") { }
}
