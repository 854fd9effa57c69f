namespace Kiln.Jit;

/// <summary>The cache directory cannot be used: not creatable, not writable, or holding something unexpected.</summary>
public sealed class JitCacheException : JitException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public JitCacheException(string message) : base(message) { }

    /// <summary>Creates the exception with a one-line message and its cause.</summary>
    public JitCacheException(string message, Exception innerException) : base(message, innerException) { }

    /// <summary>Creates the exception with a generic message (prefer the message constructors).</summary>
    public JitCacheException() : base("JIT cache error") { }
}
