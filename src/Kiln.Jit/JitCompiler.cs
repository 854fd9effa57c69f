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
/// disk by the compiler's stat identity), base key, pointer, manifest check, load — no compiler run on a hit;
/// (3) on a miss: the build lease from the <see cref="IBuildCoordinator"/>, a second look, then generate, compile,
/// test-load, publish.</para>
/// </summary>
public sealed class JitCompiler
{
    private static readonly Lazy<JitCompiler> LazyDefault = new(() => new JitCompiler(new JitCompilerOptions
    {
        MaxCacheBytes = long.TryParse(Environment.GetEnvironmentVariable("KILN_JIT_CACHE_MAX_BYTES"), NumberStyles.Integer,
            CultureInfo.InvariantCulture, out var max) && max > 0 ? max : null,
    }));

    private readonly IBuildCoordinator _coordinator;
    private readonly TimeProvider _time;
    private readonly bool _verifyContent;
    private readonly long? _maxBytes;

    // Fast memo: the last library per signature, with the request shape it answered.
    private readonly ConcurrentDictionary<string, MemoEntry> _bySignature = new(StringComparer.Ordinal);
    // Complete memo: signature + resolved cache dir + options + scope -> library.
    private readonly ConcurrentDictionary<string, JitLibrary> _byRequest = new(StringComparer.Ordinal);
    // Loaded entries: cache dir + full key -> library (dependencies load once).
    private readonly ConcurrentDictionary<string, JitLibrary> _byKey = new(StringComparer.Ordinal);
    // Dependencies are named by signature: cache dir + signature -> library jitted in this process.
    private readonly ConcurrentDictionary<string, JitLibrary> _bySignatureInCache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _compilers = new(StringComparer.Ordinal);

    /// <summary>Creates a compiler with its own memo.</summary>
    /// <param name="options">Settings, or null for the defaults.</param>
    public JitCompiler(JitCompilerOptions? options = null)
    {
        options ??= new JitCompilerOptions();
        _time = options.TimeProvider ?? TimeProvider.System;
        _coordinator = options.Coordinator ?? new FileLockCoordinator(_time);
        _verifyContent = options.VerifyLibraryContent;
        _maxBytes = options.MaxCacheBytes;
    }

    /// <summary>The process-wide instance (file-lock coordination, full verification).</summary>
    public static JitCompiler Default => LazyDefault.Value;

    /// <summary>Returns the loaded library for <paramref name="request"/>, building it on a miss.</summary>
    /// <param name="request">The request.</param>
    /// <exception cref="JitRequestException">The request is malformed (empty signature, unknown compiler, …).</exception>
    /// <exception cref="JitCacheException">The cache directory is unusable.</exception>
    /// <exception cref="JitCompileException">The generated code does not compile (now or in a recorded earlier build).</exception>
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
            && (ReferenceEquals(memo.Options, request.Build) || memo.Options.Canonical == request.Build.Canonical))
        {
            library = memo.Library;
            return true;
        }
        library = null!;
        return false;
    }

    private async Task<JitLibrary> JitSlowAsync(JitRequest request, CancellationToken cancellationToken)
    {
        JitSignature.Validate(request.Signature);
        var options = request.Build ?? throw new JitRequestException($"JIT request '{request.Signature}' has no build options; leave JitRequest.Build at its default or pass JitBuildOptions");
        var signature = request.Signature;
        var cacheDir = CacheDirectory.Resolve(request.CacheDirectory);
        var requestKey = string.Join('\u0001', signature, cacheDir, options.Canonical, request.GlobalSymbols ? "g" : "l");
        if (_byRequest.TryGetValue(requestKey, out var known))
            return Remember(request, requestKey, known);

        var layout = new CacheLayout(cacheDir);
        var compilerPath = ResolveCompiler(options);
        CompilerIdentity compiler;
        try
        {
            compiler = ProbeCache.Get(layout, compilerPath, options.Language, options.Flags);
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
        var baseKey = KeyInputs.Hash(baseText);

        var hit = TryHit(layout, baseKey, baseText, request.GlobalSymbols, quarantineCorrupt: false, out var corrupt);
        if (hit is not null)
        {
            PendingStatistics.Hit(layout);
            return Remember(request, requestKey, hit);
        }

        layout.EnsureCreated();
        if (!request.RetryRecordedFailure)
            ThrowIfRecordedFailure(layout, baseKey);

        using var lease = await _coordinator.AcquireAsync(new BuildClaim(cacheDir, baseKey, signature, request.LockTimeout), cancellationToken).ConfigureAwait(false);
        try
        {
            hit = TryHit(layout, baseKey, baseText, request.GlobalSymbols, quarantineCorrupt: true, out var corruptNow);
            corrupt |= corruptNow;
            if (hit is not null)
            {
                PendingStatistics.Hit(layout);
                lease.Complete(new BuildOutcome(true, hit.Key, hit.Path, null));
                return Remember(request, requestKey, hit);
            }
            if (!request.RetryRecordedFailure)
                ThrowIfRecordedFailure(layout, baseKey);
            if (request.Generate is null)
                throw new JitRequestException($"'{signature}' is not in the JIT cache '{cacheDir}' and the request has no generator; pass JitRequest.Generate");

            var code = request.Generate(signature) ?? throw new JitRequestException($"the generator of '{signature}' returned null; return GeneratedCode(header, source, dependencies)");
            if (string.IsNullOrWhiteSpace(code.Source))
                throw new JitRequestException($"the generator of '{signature}' returned an empty source; return the C/C++ code of the library");
            var dependencies = ResolveDependencies(signature, cacheDir, code.Dependencies ?? []);

            BuiltEntry built;
            try
            {
                built = await LibraryBuilder.BuildAsync(layout, signature, options, compiler, baseKey, baseText, code, dependencies,
                    request.GlobalSymbols, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (JitCompileException e)
            {
                var seconds = e.Data["compile-seconds"] is double s ? s : 0;
                PendingStatistics.Record(layout, new CacheStatistics(0, 1, 1, 1, seconds, 0, corrupt ? 1 : 0, 0));
                PendingStatistics.ScheduleFlush();
                throw;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new JitCacheException($"JIT cache directory '{cacheDir}' is not writable: {e.Message}; set JitRequest.CacheDirectory or KILN_JIT_CACHE to a writable directory", e);
            }
            var library = new JitLibrary(built.LibraryPath, signature, built.Manifest.Key, built.Handle, dependencies, wasBuilt: true);
            _byKey[cacheDir + "\u0001" + library.Key] = library;
            PendingStatistics.Record(layout, new CacheStatistics(0, 1, 1, 0, built.CompileSeconds, built.Manifest.LibrarySize, corrupt ? 1 : 0, 0));
            PendingStatistics.ScheduleFlush();
            lease.Complete(new BuildOutcome(true, library.Key, library.Path, null));
            if (_maxBytes is long max)
                _ = JitCache.Open(cacheDir).Evict(max, null, _time);
            return Remember(request, requestKey, library);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            lease.Complete(new BuildOutcome(false, null, null, e));
            throw;
        }
    }

    private JitLibrary Remember(JitRequest request, string requestKey, JitLibrary library)
    {
        _byRequest[requestKey] = library;
        var cacheDir = requestKey.Split('\u0001')[1];
        _bySignatureInCache[cacheDir + "\u0001" + request.Signature] = library;
        _bySignature[request.Signature] = new MemoEntry(request.CacheDirectory, request.Build, request.GlobalSymbols, library);
        return library;
    }

    private string ResolveCompiler(JitBuildOptions options)
    {
        var envName = CompilerDiscovery.EnvironmentVariableFor(options.Language);
        var memoKey = string.Join('\u0001', options.Language, options.Compiler ?? "", Environment.GetEnvironmentVariable(envName) ?? "",
            Environment.GetEnvironmentVariable("PATH") ?? "");
        if (_compilers.TryGetValue(memoKey, out var path))
            return path;
        try
        {
            path = CompilerDiscovery.Resolve(options.Language, options.Compiler);
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
            if (!_bySignatureInCache.TryGetValue(cacheDir + "\u0001" + dep, out var library))
                throw new JitRequestException($"'{signature}' depends on '{dep}', which this process has not jitted into '{cacheDir}'; call Jit for '{dep}' first (for example inside the generator)");
            list.Add(library);
        }
        return list;
    }

    private static void ThrowIfRecordedFailure(CacheLayout layout, string baseKey)
    {
        var record = FailureRecord.TryRead(layout.FailureRecordPath(baseKey));
        if (record is not null && record.StillApplies())
            throw record.ToException();
    }

    /// <summary>Looks up, checks and loads the entry for <paramref name="baseKey"/>; null on a miss.</summary>
    private JitLibrary? TryHit(CacheLayout layout, string baseKey, string baseText, bool global, bool quarantineCorrupt, out bool corrupt)
    {
        corrupt = false;
        var key = EntryStore.ReadPointer(layout, baseKey);
        if (key is null)
            return null;
        return LoadEntry(layout, key, baseKey, baseText, global, quarantineCorrupt, ref corrupt);
    }

    private JitLibrary? LoadEntry(CacheLayout layout, string key, string? baseKey, string? baseText, bool global, bool quarantineCorrupt, ref bool corrupt)
    {
        if (_byKey.TryGetValue(layout.Root + "\u0001" + key, out var loaded))
            return loaded;
        var check = EntryStore.Check(layout, key, baseKey, baseText, _verifyContent);
        if (check.State != EntryState.Valid)
        {
            if (check.State == EntryState.Corrupt)
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
            var dep = LoadEntry(layout, depKey, null, null, global, quarantineCorrupt, ref corrupt);
            if (dep is null)
                return null;
            dependencies.Add(dep);
        }
        var path = layout.LibraryPath(key);
        var handle = NativeLoader.TryLoad(path, global, out _);
        if (handle == 0)
        {
            corrupt = true;
            if (quarantineCorrupt)
                EntryStore.Quarantine(layout, key, baseKey ?? manifest.BaseKey);
            return null;
        }
        EntryStore.Touch(layout, key, _time);
        var library = new JitLibrary(path, manifest.Signature, key, handle, dependencies, wasBuilt: false);
        _byKey[layout.Root + "\u0001" + key] = library;
        _bySignatureInCache[layout.Root + "\u0001" + manifest.Signature] = library;
        return library;
    }

    private sealed record MemoEntry(string? RequestedCacheDirectory, JitBuildOptions Options, bool GlobalSymbols, JitLibrary Library);
}
