namespace Kiln.Jit;

/// <summary>One request for a jitted library: the caller's signature, the lazy generator and the build options.</summary>
/// <remarks>
/// The signature names what the generator would produce: two requests with equal signatures (and equal options) must
/// generate the same code — the cache never calls the generator to check. Build with <see cref="JitSignature.FromName"/>
/// when the signature should be derived from a name and the values baked into the code.
/// </remarks>
public sealed class JitRequest
{
    /// <summary>The caller's signature (non-empty; any characters; at most 4096 characters).</summary>
    public required string Signature { get; init; }

    /// <summary>Generates header, source and dependencies; called only on a miss. Null: fail on a miss.</summary>
    public JitGenerator? Generate { get; init; }

    /// <summary>How to build (default <see cref="JitBuildOptions.Default"/>).</summary>
    public JitBuildOptions Build { get; init; } = JitBuildOptions.Default;

    /// <summary>The cache directory; null for <c>KILN_JIT_CACHE</c>, else <c>$XDG_CACHE_HOME/kiln/jit</c>, else
    /// <c>~/.cache/kiln/jit</c>.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>Open the library with <c>RTLD_GLOBAL</c> so libraries loaded later see its symbols (default: local).</summary>
    public bool GlobalSymbols { get; init; }

    /// <summary>How long to wait for another process that is building the same key (default 10 minutes).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Compile again even when the cache records a failure for this key (default: fail fast).</summary>
    public bool RetryRecordedFailure { get; init; }
}
