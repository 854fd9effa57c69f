using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;
using Kiln.Jit.Building;
using Kiln.Jit.Cache;
using Kiln.Jit.Signatures;
using Kiln.Mpi;
using Kiln.Mpi.Coordination;
using Kiln.Mpi.Discovery;

namespace Kiln.Jit.Mpi;

/// <summary>
/// Distributed JIT: <see cref="JitCompiler"/> for the ranks of a communicator, so that ranks sharing a physical cache
/// directory build each library once (<see cref="BuildMode.Node"/>), the job builds it once and sends the bytes over MPI
/// (<see cref="BuildMode.Root"/>), or every rank builds for itself (<see cref="BuildMode.Process"/>).
/// </summary>
/// <remarks>
/// <para><b>Calls are collective</b>: every rank of the communicator calls <see cref="Jit"/> with the same requests
/// (same signature and options, cache directories may differ) in the same order, from one thread at a time.</para>
/// <para>One call: (1) a local look-up (<c>JitCompiler.Lookup</c>: directories, compiler identity and base key resolved
/// once for the call) that claims nothing on a miss (no rank builds on its own); (2) a reduction over all
/// ranks agrees on errors of the look-up (e.g. a recorded compile failure); (3) the directory topology (discovered once
/// per directory and kept); (4) <see cref="DistributedBuild.Run"/>, which agrees on hit or miss by a reduction and
/// broadcasts the builder's outcome; (5) each rank loads from its own directory and a final reduction agrees on load
/// errors. Every rank therefore returns the same library or throws the same exception: a
/// <see cref="JitCompileException"/> with the builder's command, output tail and failure folder; a
/// <see cref="JitBuildInterruptedException"/> when the builder's compiler was killed (or ran out of memory) on every
/// attempt; another
/// <see cref="JitException"/> with the failing rank's message; or, when a rank did not take part in time,
/// <see cref="JitLockTimeoutException"/> naming the signature, base key, rank and what it waited for (the communicator
/// is then unusable: end the job, e.g. with <see cref="MpiSession.Abort"/>).</para>
/// <para>Dependencies: the generator must not call <see cref="Jit"/> (a collective inside one rank's build would hang);
/// jit the dependencies first, collectively, then the library that names them.</para>
/// </remarks>
public sealed class DistributedJit : IDisposable
{
    private readonly ICommunicator _communicator;
    private readonly DistributedJitOptions _options;
    private readonly JitCompiler _compiler;
    private readonly DirectoryTopologyCache _topologies;
    private readonly ConcurrentDictionary<RequestKey, DistributedJitResult> _answered = new();

    /// <summary>Creates the distributed compiler for the ranks of <paramref name="communicator"/> (not collective).</summary>
    /// <param name="communicator">The ranks that make the calls, e.g. <see cref="MpiSession.World"/>; used by one thread
    /// at a time and not disposed by this instance.</param>
    /// <param name="options">Settings, or null for the defaults.</param>
    public DistributedJit(ICommunicator communicator, DistributedJitOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(communicator);
        _communicator = communicator;
        _options = options ?? new DistributedJitOptions();
        _compiler = new JitCompiler(new JitCompilerOptions
        {
            Coordinator = new MpiBuildCoordinator(_options.TimeProvider),
            TimeProvider = _options.TimeProvider,
            VerifyLibraryContent = _options.VerifyLibraryContent,
            MaxCacheBytes = _options.MaxCacheBytes,
            InterruptedCompileRetries = _options.InterruptedCompileRetries,
        });
        _topologies = new DirectoryTopologyCache(communicator, _options.Discovery);
    }

    /// <summary>The communicator of the calls.</summary>
    public ICommunicator Communicator => _communicator;

    /// <summary>Collective: the loaded library for <paramref name="request"/>, built once per directory, job or rank
    /// according to the mode.</summary>
    /// <param name="request">The request (the same on every rank; its cache directory may differ).</param>
    /// <exception cref="JitCompileException">The builder's compiler rejected the code (the same on every rank).</exception>
    /// <exception cref="JitBuildInterruptedException">The builder's compiler was killed by a signal or ran out of memory on
    /// every attempt (the same on every rank; nothing recorded).</exception>
    /// <exception cref="JitRequestException">Bad request, or with verification the ranks' requests or generated code differ.</exception>
    /// <exception cref="JitException">Another failure on some rank (the same on every rank).</exception>
    /// <exception cref="JitLockTimeoutException">A rank did not take part in time (this rank's view).</exception>
    public JitLibrary Jit(JitRequest request) => JitWithReport(request).Library;

    /// <summary>Collective: as <see cref="Jit"/>, with what this rank did.</summary>
    /// <param name="request">The request.</param>
    public DistributedJitResult JitWithReport(JitRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        RequestKey? memoKey = request.Build is null ? null : RequestKey.AsRequested(request, request.Build);
        if (_options.CallsAreCollective && memoKey is { } asked && _answered.TryGetValue(asked, out var known))
            return known with { Role = BuildRole.Hit, FromMemory = true };

        var timeout = _options.Timeout ?? request.LockTimeout;
        var call = new Call(this, request, timeout);
        try
        {
            var result = call.Run();
            if (memoKey is { } answered)
                _answered[answered] = result;
            return result;
        }
        catch (MpiTimeoutException e)
        {
            throw new JitLockTimeoutException(
                $"distributed JIT of '{request.Signature}'{(call.BaseKey is { } b ? $" (base key {b})" : "")} timed out on rank {_communicator.Rank} of {_communicator.Size} ({call.Stage}): {e.Message}; raise DistributedJitOptions.Timeout if compiles take longer, otherwise a rank died, hangs or made other JIT calls (jit calls are collective)",
                e);
        }
    }

    /// <summary>Forgets the discovered topologies (not collective; the next call discovers again, together).</summary>
    public void Dispose() => _topologies.Dispose();

    private sealed class Call(DistributedJit owner, JitRequest request, TimeSpan timeout)
    {
        private readonly ICommunicator _comm = owner._communicator;
        private readonly bool _verifyCode = owner._options.VerifySameRequest || owner._options.VerifyGeneratedCodeOnEveryRank;
        private JitRequest? _effective;
        private GeneratedCode? _generated;
        private JitLookup? _lookup;
        private JitLibrary? _library;
        private Exception? _localFailure;

        public string? BaseKey => _lookup?.BaseKey ?? _library?.Key;

        public string Stage { get; private set; } = "agreeing on the local look-up";

        public DistributedJitResult Run()
        {
            // (1) Local look-up, resolved once for the whole call; a miss claims nothing. (2) Agree on its errors.
            try
            {
                _lookup = owner._compiler.Lookup(Effective);
                _library = _lookup.Library;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _localFailure = e;
            }
            Agree(_localFailure);
            if (owner._options.VerifySameRequest)
            {
                var hash = ShapeHash(request);
                if (!_comm.AllSame(hash, timeout))
                    throw new JitRequestException(
                        $"the ranks of '{_comm.Name}' asked for different JIT requests (rank {_comm.Rank}: '{request.Signature}'); jit calls are collective: every rank must request the same signature and options in the same order");
            }

            // (3) Topology of the physical directories (discovered once per directory).
            Stage = "discovering which ranks share the cache directory";
            var directory = CacheDirectory.Resolve(request.CacheDirectory);
            TryCreate(directory);
            var topology = owner._topologies.Get(directory, timeout);
            if (_verifyCode)
            {
                Stage = "comparing the generated code";
                VerifyGeneratedCode(topology);
            }

            // (4) The build protocol.
            Stage = "the build protocol (waiting for the builder's outcome)";
            _localFailure = null;
            Kiln.Mpi.Coordination.BuildOutcome outcome;
            try
            {
                outcome = DistributedBuild.Run(_comm, topology, owner._options.Mode, new BuildCallbacks(
                    IsPublished: () => Local(() => (_library ??= LookAgain()) is not null),
                    Build: () => Local(Build),
                    ReadPublished: () => Local(() => EntryTransfer.Pack(directory, (_library ??= LookAgain())?.Key
                        ?? throw new JitCacheException($"'{request.Signature}' was built but is not in '{directory}'"))),
                    Install: bytes => Local(() => EntryTransfer.Install(directory, _lookup?.BaseKey, bytes))), timeout);
            }
            catch (RootFailedException e)
            {
                throw Translate(e);
            }
            catch (InvalidOperationException e)
            {
                // Process mode on shared directories: refused on every rank alike (agreed by a reduction).
                throw new JitRequestException(e.Message, e);
            }

            // (5) Load from this rank's directory; agree on load errors.
            Stage = "agreeing on the load";
            Exception? loadFailure = null;
            try
            {
                _library ??= ProbeUntilVisible();
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                loadFailure = e;
            }
            Agree(loadFailure);
            return new DistributedJitResult(_library!, outcome.Mode, outcome.Role, FromMemory: false);
        }

        /// <summary>The request as the inner compiler sees it: when the generated code is verified, a copy whose generator
        /// remembers what it generated for the comparison, so that the build compiles exactly the compared code and the
        /// user's generator still runs at most once per rank. (The copy names every property of <see cref="JitRequest"/>.)</summary>
        private JitRequest Effective => _effective ??= !_verifyCode || request.Generate is null ? request : new JitRequest
        {
            Signature = request.Signature,
            Generate = signature => _generated ??= request.Generate(signature),
            Build = request.Build,
            CacheDirectory = request.CacheDirectory,
            SharedCacheDirectories = request.SharedCacheDirectories,
            GlobalSymbols = request.GlobalSymbols,
            LockTimeout = request.LockTimeout,
            RetryRecordedFailure = request.RetryRecordedFailure,
        };

        /// <summary>
        /// Collective, before any rank builds: the ranks that generate the code for this call — the predicted builders
        /// (node: a directory leader that misses; root: rank 0 if it misses; process: each rank that misses), or with
        /// <see cref="DistributedJitOptions.VerifyGeneratedCodeOnEveryRank"/> every rank when any misses — compare a
        /// 64-bit prefix of the SHA-256 of header, source and dependencies (MIN and MAX reductions; ranks that do not
        /// generate pass the neutral element). A difference is one <see cref="JitRequestException"/> on every rank, naming
        /// two ranks that differ, and nothing is compiled.
        /// </summary>
        private void VerifyGeneratedCode(DirectoryTopology topology)
        {
            var everyRank = owner._options.VerifyGeneratedCodeOnEveryRank;
            var generates = everyRank
                ? _comm.AnyTrue(_library is null, timeout)
                : _library is null && DistributedBuild.Resolve(topology, owner._options.Mode) switch
                {
                    BuildMode.Node => topology.IsLeader,
                    BuildMode.Root => _comm.Rank == 0,
                    _ => true,
                };
            generates &= request.Generate is not null;
            long hash = 0;
            Exception? failure = null;
            if (generates)
            {
                try
                {
                    hash = CodeHash(Effective.Generate!(request.Signature));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failure = e;
                }
            }
            Agree(failure);
            var min = _comm.AllReduce(generates ? hash : long.MaxValue, ReduceOperation.Min, timeout);
            var max = _comm.AllReduce(generates ? hash : long.MinValue, ReduceOperation.Max, timeout);
            if (min >= max)
                return; // all the same, or nobody generated (min > max)
            var withMin = _comm.AllReduce(generates && hash == min ? _comm.Rank : int.MaxValue, ReduceOperation.Min, timeout);
            var withOther = _comm.AllReduce(generates && hash != min ? _comm.Rank : int.MaxValue, ReduceOperation.Min, timeout);
            throw new JitRequestException(
                $"the generators of '{request.Signature}' produced different code on ranks {Math.Min(withMin, withOther)} and {Math.Max(withMin, withOther)} of '{_comm.Name}' (compared {(everyRank ? "over every rank" : "among the ranks that build it")}, before compiling); a signature must always name the same code: put what differs between the ranks into the signature (JitSignature.FromName) or make the generator deterministic");
        }

        /// <summary>A 64-bit prefix of the SHA-256 of what must be the same on every rank: signature, build options and
        /// symbol scope in <see cref="CanonicalText"/> (cache directories may differ).</summary>
        private static long ShapeHash(JitRequest request)
        {
            var text = new StringBuilder();
            CanonicalText.Append(text, "signature", request.Signature);
            CanonicalText.Append(text, "build", request.Build?.Canonical ?? "");
            CanonicalText.Append(text, "global-symbols", request.GlobalSymbols ? "1" : "0");
            return BitConverter.ToInt64(Sha256.Hash(Encoding.UTF8.GetBytes(text.ToString())), 0);
        }

        private static long CodeHash(GeneratedCode code)
        {
            var text = string.Join('\0', [code.Header ?? "", code.Source ?? "", .. code.Dependencies ?? []]);
            return BitConverter.ToInt64(Sha256.Hash(Encoding.UTF8.GetBytes(text)), 0);
        }

        /// <summary>The look-up of step (1) again, without claiming: what another rank or process published since.</summary>
        private JitLibrary? LookAgain() => owner._compiler.LookAgain(_lookup!, underClaim: false);

        /// <summary>On the elected builder: claim the key (file lock), look again under the claim, build and publish.</summary>
        private bool Build()
        {
            _library = owner._compiler.ClaimAndBuildAsync(_lookup!, CancellationToken.None).GetAwaiter().GetResult();
            return true;
        }

        /// <summary>A library another process published may take a moment to appear on a network file system.</summary>
        private JitLibrary ProbeUntilVisible()
        {
            var watch = Stopwatch.StartNew();
            var limit = TimeSpan.FromSeconds(Math.Min(5, timeout.TotalSeconds));
            var delay = 5;
            while (true)
            {
                var library = LookAgain();
                if (library is not null)
                    return library;
                if (watch.Elapsed >= limit)
                    throw new JitCacheException(
                        $"'{request.Signature}' was published in '{CacheDirectory.Resolve(request.CacheDirectory)}' for rank {_comm.Rank} but is not visible there after {limit.TotalSeconds:0.#} s: a network file system's cache, or the ranks asked for different signatures (jit calls are collective; DistributedJitOptions.VerifySameRequest checks it)");
                Thread.Sleep(delay);
                delay = Math.Min(100, delay * 2);
            }
        }

        /// <summary>Collective: returns if no rank failed, else every rank throws the same translated exception.</summary>
        private void Agree(Exception? local)
        {
            _localFailure = local;
            try
            {
                _comm.ThrowIfAnyFailed(local, timeout);
            }
            catch (RootFailedException e)
            {
                throw Translate(e);
            }
        }

        /// <summary>
        /// Collective (every rank got the same <paramref name="failure"/>): the typed exception, identical on every rank,
        /// from one rank's <see cref="RankFailure"/> — the lowest rank whose failure carries a compile error or an
        /// interrupted compile (all its fields travel), otherwise the lowest rank that failed.
        /// </summary>
        private JitException Translate(RootFailedException failure)
        {
            var local = _localFailure ?? failure.InnerException;
            var priority = local is null ? 2L : RankFailure.CarriesFields(local) ? 0L : 1L;
            var chosen = _comm.AllReduce(priority * _comm.Size + _comm.Rank, ReduceOperation.Min, timeout);
            if (chosen >= 2L * _comm.Size)
                return new JitException($"distributed JIT of '{request.Signature}' failed on rank {failure.RootRank} of '{failure.Communicator}': {failure.ErrorMessage}", failure);
            var holder = (int)(chosen % _comm.Size);
            var bytes = _comm.RunOnRoot(holder, () => RankFailure.From(local!).Encode(), timeout);
            return RankFailure.Decode(bytes).ToException(request.Signature, holder, _comm.Name, failure);
        }

        /// <summary>Runs a callback of the build protocol, keeping its failure as this rank's for <see cref="Translate"/>.</summary>
        private T Local<T>(Func<T> callback)
        {
            try
            {
                return callback();
            }
            catch (Exception e)
            {
                _localFailure ??= e;
                throw;
            }
        }

        private static void TryCreate(string directory)
        {
            try
            {
                Directory.CreateDirectory(directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Discovery reports an unusable directory collectively.
            }
        }
    }
}
