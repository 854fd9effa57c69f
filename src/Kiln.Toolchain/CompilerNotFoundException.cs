namespace Kiln.Toolchain;

/// <summary>No compiler executable could be found for a requested name, variable or language.</summary>
public sealed class CompilerNotFoundException : ToolchainException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public CompilerNotFoundException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and the underlying cause.</summary>
    public CompilerNotFoundException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a generic message (prefer the message constructors).</summary>
    public CompilerNotFoundException() : base("compiler not found") { }
}
