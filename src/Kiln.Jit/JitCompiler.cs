using System.Collections.Concurrent;
using System.Globalization;
using Kiln.Jit.Building;
using Kiln.Jit.Cache;
using Kiln.Jit.Loading;
using Kiln.Jit.Signatures;
using Kiln.Toolchain;

namespace Kiln.Jit;

/// <summary>
/// The entry point, in the spirit of dijitso's <c>jit()</c>: returns a loaded library for a request, generating and
/// compiling it only when the cache has no valid entry for its complete key.
/// <para>Order of work: (1) the in-process memo, keyed by the caller's signature and checked before anything else — a
/// repeated request costs a dictionary lookup; (2) compiler resolution and identity (probed once per process, cached on
/// disk by the compiler's stat identity), base key, pointer, manifest check, load — no compiler run on a hit — first in
/// the writable cache, then in each shared cache in order (read only: nothing is written there); (3) on a miss: a
/// writability check of the writable cache, the build claim from the <see cref="IBuildCoordinator"/>, a second look,
/// then generate, compile, test-load, publish into the writable cache. The steps are also an internal API
/// (<c>Lookup</c> → <c>ClaimAndBuildAsync</c> / <c>LookAgain</c>) that the distributed JIT drives across ranks.</para>
/// </summary>
public sealed class JitCompiler
{
    private static readonly Lazy<JitCompiler> LazyDefault = new(() => new JitCompiler(new JitCompilerOptions
    {
        MaxCacheBytes = long.TryParse(Environment.GetEnvironmentVariable("KILN_JIT_CACHE_MAX_BYTES"), NumberStyles.Integer,
            CultureInfo.InvariantCulture, out var max) && max > 0 ? max : null,
        InterruptedCompileRetries = int.TryParse(Environment.GetEnvironmentVariable("KILN_JIT_COMPILE_RETRIES"), NumberStyles.Integer,
            CultureInfo.InvariantCulture, out var retries) && retries >= 0 ? retries : 1,
    }));

    private readonly IBuildCoordinator _coordinator;
    private readonly TimeProvider _time;
    private readonly bool _verifyContent;
    private readonly long? _maxBytes;
    private readonly int _interruptedRetries;
    private readonly ICompilerRunner _runner;
    private readonly ICacheFileSystem _files;

    // Fast memo: the last library per signature, with the request shape it answered.
    private readonly ConcurrentDictionary<string, MemoEntry> _bySignature = new(StringComparer.Ordinal);
    // Complete memo: signature + resolved cache dir + options + scope + shared dirs -> library.
    private readonly ConcurrentDictionary<RequestKey, JitLibrary> _byRequest = new();
    // Loaded entries: cache dir + full key -> library (dependencies load once).
    private readonly ConcurrentDictionary<(string CacheRoot, string Key), JitLibrary> _byKey = new();
    // Dependencies are named by signature: cache dir + signature -> library jitted in this process.
    private readonly ConcurrentDictionary<(string CacheRoot, string Signature), JitLibrary> _bySignatureInCache = new();
    // Compiler resolution: language + requested compiler + its environment variable + PATH -> executable.
    private readonly ConcurrentDictionary<(SourceLanguage Language, string Requested, string Variable, string Path), string> _compilers = new();

    /// <summary>Creates a compiler with its own memo.</summary>
    /// <param name="options">Settings, or null for the defaults.</param>
    public JitCompiler(JitCompilerOptions? options = null)
    {
        options ??= new JitCompilerOptions();
        _time = options.TimeProvider ?? TimeProvider.System;
        _files = options.FileSystem ?? SystemCacheFileSystem.Instance;
        _coordinator = options.Coordinator ?? new FileLockCoordinator(_time, _files);
        _verifyContent = options.VerifyLibraryContent;
        _maxBytes = options.MaxCacheBytes;
        _interruptedRetries = Math.Max(0, options.InterruptedCompileRetries);
        _runner = options.CompilerRunner ?? SystemCompilerRunner.Instance;
    }

    /// <summary>The process-wide instance (file-lock coordination, full verification).</summary>
    public static JitCompiler Default => LazyDefault.Value;

    /// <summary>Returns the loaded library for <paramref name="request"/>, building it on a miss.</summary>
    /// <param name="request">The request.</param>
    /// <exception cref="JitRequestException">The request is malformed (empty signature, unknown compiler, …).</exception>
    /// <exception cref="JitCacheException">The cache directory is unusable.</exception>
    /// <exception cref="JitCompileException">The generated code does not compile (now or in a recorded earlier build).</exception>
    /// <exception cref="JitBuildInterruptedException">The compiler was killed by a signal or ran out of memory on every attempt.</exception>
    /// <exception cref="JitLockTimeoutException">Another process built the key for longer than the request's timeout.</exception>
    public JitLibrary Jit(JitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (TryMemo(request, out var library))
            return library;
        return JitSlowAsync(request, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>Asynchronous form of <see cref="Jit"/>: waits for locks and the compiler without blocking a thread.</summary>
    /// <param name="request">The request.</param>
    /// <param name="cancellationToken">Cancels waiting and kills a running compiler.</param>
    public ValueTask<JitLibrary> JitAsync(JitRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (TryMemo(request, out var library))
            return ValueTask.FromResult(library);
        return new ValueTask<JitLibrary>(JitSlowAsync(request, cancellationToken));
    }

    private bool TryMemo(JitRequest request, out JitLibrary library)
    {
        var signature = request.Signature;
        if (signature is not null && request.Build is not null && _bySignature.TryGetValue(signature, out var memo)
            && memo.GlobalSymbols == request.GlobalSymbols
            && string.Equals(memo.RequestedCacheDirectory, request.CacheDirectory, StringComparison.Ordinal)
            && SameList(memo.RequestedSharedDirectories, request.SharedCacheDirectories)
            && (ReferenceEquals(memo.Options, request.Build) || memo.Options.Canonical == request.Build.Canonical))
        {
            library = memo.Library;
            return true;
        }
        library = null!;
        return false;
    }

    private static bool SameList(IReadOnlyList<string>? a, IReadOnlyList<string>? b) =>
        ReferenceEquals(a, b) || (a is not null && b is not null && a.SequenceEqual(b, StringComparer.Ordinal));

    private async Task<JitLibrary> JitSlowAsync(JitRequest request, CancellationToken cancellationToken)
    {
        var lookup = Lookup(request);
        return lookup.Library ?? await ClaimAndBuildAsync(lookup, cancellationToken).ConfigureAwait(false);
    }

    // The explicit API, in the order a caller drives it: Lookup → (agree with others on who builds) → ClaimAndBuildAsync
    // on the builder (claim from the coordinator, look again, build, publish) → LookAgain on the others once published.

    /// <summary>
    /// Step 1: resolves the request once (memo, directories, compiler identity, base key) and looks it up in the writable
    /// cache, then in each shared cache. On a miss it also checks that the writable cache is writable and, unless the
    /// request retries, throws a recorded compile failure of the key; it never builds and never takes a claim.
    /// </summary>
    internal JitLookup Lookup(JitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (TryMemo(request, out var remembered))
            return JitLookup.Remembered(request, remembered);
        JitSignature.Validate(request.Signature);
        var options = request.Build ?? throw new JitRequestException($"JIT request '{request.Signature}' has no build options; leave JitRequest.Build at its default or pass JitBuildOptions");
        var signature = request.Signature;
        var cacheDir = CacheDirectory.Resolve(request.CacheDirectory);
        var sharedDirs = CacheDirectory.ResolveShared(request.SharedCacheDirectories, cacheDir);
        var requestKey = new RequestKey(signature, cacheDir, options.Canonical, request.GlobalSymbols, sharedDirs);
        if (_byRequest.TryGetValue(requestKey, out var known))
            return JitLookup.Remembered(request, Remember(request, requestKey, known));

        var layout = new CacheLayout(cacheDir, _files);
        var shared = sharedDirs.Select(d => new CacheLayout(d, _files)).ToArray();
        var compilerPath = ResolveCompiler(options);
        CompilerIdentity compiler;
        try
        {
            compiler = ProbeCache.Get(layout, shared, compilerPath, options.Language, options.Flags, _runner);
        }
        catch (JitException)
        {
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JitCacheException($"JIT cache directory '{cacheDir}' is unusable: {e.Message}; set JitRequest.CacheDirectory or KILN_JIT_CACHE to a writable directory", e);
        }
        var baseText = KeyInputs.BaseText(signature, options, compiler);
        var lookup = new JitLookup(request, requestKey, options, layout, shared, compiler, KeyInputs.Hash(baseText), baseText);
        if (LookAgain(lookup, underClaim: false) is not null)
            return lookup;
        layout.EnsureWritable();
        if (!request.RetryRecordedFailure)
            ThrowIfRecordedFailure(layout, lookup.BaseKey!);
        return lookup;
    }

    /// <summary>
    /// Looks a resolved request up again (another process or rank may have published it meanwhile): the writable cache,
    /// then — without the claim — each shared cache. Under the key's claim a corrupt entry of the writable cache is
    /// quarantined, and a recorded compile failure is thrown unless the request retries. Null while still missing.
    /// </summary>
    internal JitLibrary? LookAgain(JitLookup lookup, bool underClaim)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        if (lookup.Library is not null)
            return lookup.Library;
        var caches = new CacheSet(lookup.Writable!, lookup.Shared);
        var hit = TryHit(caches, caches.Writable, lookup.BaseKey!, lookup.BaseText!, lookup.Request.GlobalSymbols, quarantineCorrupt: underClaim, out var corrupt);
        lookup.SawCorrupt |= corrupt;
        if (hit is not null)
        {
            PendingStatistics.Hit(caches.Writable);
            return Found(lookup, hit);
        }
        if (underClaim)
        {
            if (!lookup.Request.RetryRecordedFailure)
                ThrowIfRecordedFailure(caches.Writable, lookup.BaseKey!);
            return null;
        }
        foreach (var shared in caches.Shared)
        {
            hit = TryHit(caches, shared, lookup.BaseKey!, lookup.BaseText!, lookup.Request.GlobalSymbols, quarantineCorrupt: false, out _);
            if (hit is not null)
            {
                PendingStatistics.SharedHit(caches.Writable);
                return Found(lookup, hit);
            }
        }
        return null;
    }

    /// <summary>
    /// Steps 2 to 4 for a key <see cref="Lookup"/> missed: waits for the claim from this compiler's
    /// <see cref="IBuildCoordinator"/>, looks again under it, and if still missing generates, compiles, test-loads and
    /// publishes the library into the writable cache.
    /// </summary>
    internal async Task<JitLibrary> ClaimAndBuildAsync(JitLookup lookup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(lookup);
        if (lookup.Library is not null)
            return lookup.Library;
        using var claim = await _coordinator.AcquireAsync(lookup.Claim, cancellationToken).ConfigureAwait(false);
        return LookAgain(lookup, underClaim: true) ?? await BuildAsync(lookup, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Generates, compiles and publishes a missing key; call only while holding its claim.</summary>
    private async Task<JitLibrary> BuildAsync(JitLookup lookup, CancellationToken cancellationToken)
    {
        var request = lookup.Request;
        var signature = request.Signature;
        var layout = lookup.Writable!;
        var cacheDir = layout.Root;
        if (request.Generate is null)
            throw new JitRequestException($"'{signature}' is not in the JIT cache '{cacheDir}' and the request has no generator; pass JitRequest.Generate");

        var code = request.Generate(signature) ?? throw new JitRequestException($"the generator of '{signature}' returned null; return GeneratedCode(header, source, dependencies)");
        if (string.IsNullOrWhiteSpace(code.Source))
            throw new JitRequestException($"the generator of '{signature}' returned an empty source; return the C/C++ code of the library");
        var dependencies = ResolveDependencies(signature, cacheDir, code.Dependencies ?? []);
        var corrupt = lookup.SawCorrupt ? 1 : 0;

        BuiltEntry built;
        try
        {
            built = await LibraryBuilder.BuildAsync(layout, signature, lookup.Options!, lookup.Compiler!, lookup.BaseKey!, lookup.BaseText!, code, dependencies,
                request.GlobalSymbols, _interruptedRetries, _time, _runner, cancellationToken).ConfigureAwait(false);
        }
        catch (JitException e) when (e is JitCompileException or JitBuildInterruptedException)
        {
            var seconds = e.Data["compile-seconds"] is double s ? s : 0;
            PendingStatistics.Record(layout, new CacheStatistics(0, 1, 1, 1, seconds, 0, corrupt, 0));
            PendingStatistics.ScheduleFlush();
            throw;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CacheWriteError.For(cacheDir, e);
        }
        var library = new JitLibrary(built.LibraryPath, signature, built.Manifest.Key, built.Handle, dependencies, wasBuilt: true);
        _byKey[(cacheDir, library.Key)] = library;
        PendingStatistics.Record(layout, new CacheStatistics(0, 1, 1, 0, built.CompileSeconds, built.Manifest.LibrarySize, corrupt, 0));
        PendingStatistics.ScheduleFlush();
        if (_maxBytes is long max)
            _ = JitCache.Open(layout).Evict(max, null, _time);
        return Found(lookup, library);
    }

    private JitLibrary Found(JitLookup lookup, JitLibrary library)
    {
        lookup.Library = library;
        return Remember(lookup.Request, lookup.Key, library);
    }

    private JitLibrary Remember(JitRequest request, RequestKey requestKey, JitLibrary library)
    {
        _byRequest[requestKey] = library;
        _bySignatureInCache[(requestKey.CacheDirectory, request.Signature)] = library;
        _bySignature[request.Signature] = new MemoEntry(request.CacheDirectory, request.SharedCacheDirectories, request.Build, request.GlobalSymbols, library);
        return library;
    }

    private string ResolveCompiler(JitBuildOptions options)
    {
        var envName = CompilerDiscovery.EnvironmentVariableFor(options.Language);
        var memoKey = (options.Language, options.Compiler ?? "", Environment.GetEnvironmentVariable(envName) ?? "",
            Environment.GetEnvironmentVariable("PATH") ?? "");
        if (_compilers.TryGetValue(memoKey, out var path))
            return path;
        try
        {
            path = _runner.Locate(options.Language, options.Compiler);
        }
        catch (ToolchainException e)
        {
            throw new JitRequestException(e.Message, e);
        }
        _compilers[memoKey] = path;
        return path;
    }

    private List<JitLibrary> ResolveDependencies(string signature, string cacheDir, IReadOnlyList<string> dependencySignatures)
    {
        var list = new List<JitLibrary>();
        foreach (var dep in dependencySignatures)
        {
            if (!_bySignatureInCache.TryGetValue((cacheDir, dep), out var library))
                throw new JitRequestException($"'{signature}' depends on '{dep}', which this process has not jitted into '{cacheDir}'; call Jit for '{dep}' first (for example inside the generator)");
            list.Add(library);
        }
        return list;
    }

    private static void ThrowIfRecordedFailure(CacheLayout layout, string baseKey)
    {
        var record = FailureRecord.TryRead(layout.Files, layout.FailureRecordPath(baseKey));
        if (record is not null && record.DescribesCodeError && record.StillApplies(layout.Files))
            throw record.ToException();
    }

    /// <summary>Looks up, checks and loads the entry for <paramref name="baseKey"/> in <paramref name="layout"/> (one of
    /// <paramref name="caches"/>); null on a miss.</summary>
    private JitLibrary? TryHit(CacheSet caches, CacheLayout layout, string baseKey, string baseText, bool global, bool quarantineCorrupt, out bool corrupt)
    {
        corrupt = false;
        string? key;
        try
        {
            key = EntryStore.ReadPointer(layout, baseKey);
        }
        catch (Exception e) when (!ReferenceEquals(layout, caches.Writable) && e is IOException or UnauthorizedAccessException)
        {
            return null; // an unreadable shared cache is simply not used
        }
        if (key is null)
            return null;
        return LoadEntry(caches, layout, key, baseKey, baseText, global, quarantineCorrupt, ref corrupt);
    }

    /// <summary>
    /// Checks and loads entry <paramref name="key"/> of <paramref name="layout"/>, its dependencies first. An entry of a
    /// shared cache is only read: it is never touched, quarantined or counted as corrupt; a damaged one is a miss.
    /// </summary>
    private JitLibrary? LoadEntry(CacheSet caches, CacheLayout layout, string key, string? baseKey, string? baseText, bool global,
        bool quarantineCorrupt, ref bool corrupt)
    {
        if (_byKey.TryGetValue((layout.Root, key), out var loaded))
            return loaded;
        var readOnly = !ReferenceEquals(layout, caches.Writable);
        EntryCheck check;
        try
        {
            check = EntryStore.Check(layout, key, baseKey, baseText, _verifyContent);
        }
        catch (Exception e) when (readOnly && e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        if (check.State != EntryState.Valid)
        {
            if (check.State == EntryState.Corrupt && !readOnly)
            {
                corrupt = true;
                if (quarantineCorrupt)
                    EntryStore.Quarantine(layout, key, baseKey ?? check.Manifest?.BaseKey);
            }
            return null;
        }
        var manifest = check.Manifest!;
        var dependencies = new List<JitLibrary>();
        foreach (var (depKey, _) in manifest.Dependencies)
        {
            var dep = LoadDependency(caches, layout, depKey, global, quarantineCorrupt, ref corrupt);
            if (dep is null)
                return null;
            dependencies.Add(dep);
        }
        var path = layout.LibraryPath(key);
        var handle = NativeLoader.TryLoad(path, global, out _);
        if (handle == 0)
        {
            if (!readOnly)
            {
                corrupt = true;
                if (quarantineCorrupt)
                    EntryStore.Quarantine(layout, key, baseKey ?? manifest.BaseKey);
            }
            return null;
        }
        if (!readOnly)
            EntryStore.Touch(layout, key, _time);
        var library = new JitLibrary(path, manifest.Signature, key, handle, dependencies, wasBuilt: false);
        _byKey[(layout.Root, key)] = library;
        _bySignatureInCache[(layout.Root, manifest.Signature)] = library;
        return library;
    }

    /// <summary>
    /// A dependency by full key: from the dependent's own cache first, then the writable cache, then the shared caches in
    /// order — the first that holds a valid entry. A library links its jitted dependencies by absolute path, so the
    /// dependent's own cache (where a shared cache's entries were built together) or the writable cache (whose entries
    /// were linked against whatever the same order found then) is where its link-time dependency lives.
    /// </summary>
    private JitLibrary? LoadDependency(CacheSet caches, CacheLayout dependent, string depKey, bool global, bool quarantineCorrupt, ref bool corrupt)
    {
        foreach (var layout in new[] { dependent, caches.Writable }.Concat(caches.Shared).Distinct())
        {
            if (_byKey.TryGetValue((layout.Root, depKey), out var loaded))
                return loaded;
            if (!layout.Files.FileExists(layout.ManifestPath(depKey)))
                continue;
            var dep = LoadEntry(caches, layout, depKey, null, null, global, quarantineCorrupt, ref corrupt);
            if (dep is not null)
                return dep;
        }
        return null;
    }

    private sealed record MemoEntry(string? RequestedCacheDirectory, IReadOnlyList<string>? RequestedSharedDirectories, JitBuildOptions Options,
        bool GlobalSymbols, JitLibrary Library);

    /// <summary>The writable cache and the shared (read-only) caches of one request, in search order.</summary>
    private sealed record CacheSet(CacheLayout Writable, IReadOnlyList<CacheLayout> Shared);
}
