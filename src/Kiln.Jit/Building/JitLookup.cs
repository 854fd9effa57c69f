using Kiln.Jit.Cache;
using Kiln.Jit.Signatures;
using Kiln.Toolchain;

namespace Kiln.Jit.Building;

/// <summary>
/// One request resolved once for the steps of <see cref="JitCompiler"/>'s explicit API — look up, claim, build and
/// publish — so that a caller driving the steps (the distributed JIT) resolves directories, stats the compiler and reads
/// its probe once per call, not once per step. Either a hit (<see cref="Library"/> set; from the memo the resolution
/// fields stay null) or a miss of the writable and every shared cache (the resolution fields set).
/// </summary>
internal sealed class JitLookup
{
    private JitLookup(JitRequest request, JitLibrary? library)
    {
        Request = request;
        Library = library;
    }

    internal JitLookup(JitRequest request, RequestKey key, JitBuildOptions options, CacheLayout writable, IReadOnlyList<CacheLayout> shared,
        CompilerIdentity compiler, string baseKey, string baseText) : this(request, null)
    {
        Key = key;
        Options = options;
        Writable = writable;
        Shared = shared;
        Compiler = compiler;
        BaseKey = baseKey;
        BaseText = baseText;
    }

    public JitRequest Request { get; }

    /// <summary>The loaded library once found or built; null while the key is missing.</summary>
    public JitLibrary? Library { get; internal set; }

    public RequestKey Key { get; }
    public JitBuildOptions? Options { get; }
    public CacheLayout? Writable { get; }
    public IReadOnlyList<CacheLayout> Shared { get; } = [];
    public CompilerIdentity? Compiler { get; }

    /// <summary>The base key B; null for a hit answered from the memo.</summary>
    public string? BaseKey { get; }
    public string? BaseText { get; }

    /// <summary>True once a corrupt entry of the writable cache was seen for this request (counted on a rebuild).</summary>
    public bool SawCorrupt { get; internal set; }

    /// <summary>The claim to build this key, for the <see cref="IBuildCoordinator"/>.</summary>
    public BuildClaim Claim => new(Writable?.Root ?? throw new InvalidOperationException("a memo hit has no build claim"),
        BaseKey!, Request.Signature, Request.LockTimeout);

    /// <summary>A hit answered by the memo.</summary>
    public static JitLookup Remembered(JitRequest request, JitLibrary library) => new(request, library);
}
