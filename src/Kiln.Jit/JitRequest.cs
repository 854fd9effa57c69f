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

    /// <summary>
    /// Read-only cache directories searched, in order, after <see cref="CacheDirectory"/> and before building (a site- or
    /// project-wide cache pre-populated on a read-only or other-user-owned file system). Null (the default) reads the
    /// colon-separated <c>KILN_JIT_SHARED_CACHES</c>; an empty list means none. An entry found there is checked like any
    /// other and loaded in place; nothing is ever written into a shared cache (no LRU mark, statistics, lock,
    /// quarantine or failure record), a damaged or stale entry there is skipped, and a miss builds into
    /// <see cref="CacheDirectory"/>. A shared cache must be used at the path it was built at: libraries name their
    /// jitted dependencies by absolute path.
    /// </summary>
    public IReadOnlyList<string>? SharedCacheDirectories { get; init; }

    /// <summary>Open the library with <c>RTLD_GLOBAL</c> so libraries loaded later see its symbols (default: local).</summary>
    public bool GlobalSymbols { get; init; }

    /// <summary>How long to wait for another process that is building the same key (default 10 minutes).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>Compile again even when the cache records a failure for this key (default: fail fast).</summary>
    public bool RetryRecordedFailure { get; init; }
}
