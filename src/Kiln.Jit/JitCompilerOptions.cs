using Kiln.Jit.Building;

namespace Kiln.Jit;

/// <summary>Process-wide settings of a <see cref="JitCompiler"/>.</summary>
public sealed class JitCompilerOptions
{
    /// <summary>Who builds a missing key and how others wait (default: <see cref="FileLockCoordinator"/>).</summary>
    public IBuildCoordinator? Coordinator { get; init; }

    /// <summary>Clock for timeouts, manifests and LRU marks (default: system).</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Hash the whole library against its manifest on the first hit in a process (default true). False checks
    /// only the size (a same-size corruption is then caught only if the loader rejects the file).</summary>
    public bool VerifyLibraryContent { get; init; } = true;

    /// <summary>After each build, evict least-recently-used entries until the cache is at most this many bytes
    /// (null: no limit; <c>KILN_JIT_CACHE_MAX_BYTES</c> sets it for <see cref="JitCompiler.Default"/>).</summary>
    public long? MaxCacheBytes { get; init; }

    /// <summary>How often a compile is run again after the compiler was interrupted — killed by a signal (the OOM
    /// killer, a time limit, a crash) or out of memory (default 1; 0: never; <c>KILN_JIT_COMPILE_RETRIES</c> sets it for
    /// <see cref="JitCompiler.Default"/>). Such a failure is never recorded; after the last attempt it is a
    /// <see cref="JitBuildInterruptedException"/>. Timeouts of waiting processes must cover all attempts.</summary>
    public int InterruptedCompileRetries { get; init; } = 1;

    /// <summary>Runs the compiler's probe and the compiles (default: the real processes); the seam for logic tests.</summary>
    internal ICompilerRunner? CompilerRunner { get; init; }

    /// <summary>The file system of the caches (default: the real one); the seam for logic tests.</summary>
    internal Cache.ICacheFileSystem? FileSystem { get; init; }
}
