using Kiln.Mpi;
using Kiln.Mpi.Coordination;
using Kiln.Testing;
using Kiln.Toolchain;

namespace Kiln.Jit.Mpi.Tests;

/// <summary>DistributedJit on the in-process communicator (one thread per rank; a rank's "node" picks its directory).</summary>
public sealed class DistributedJitTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private IReadOnlyList<T> Run<T>(int size, Func<int, int> directoryOfRank, Func<ICommunicator, DistributedJit, string, T> body,
        BuildMode mode = BuildMode.Auto, TimeSpan? timeout = null, bool callsAreCollective = true, bool verifySameRequest = false,
        bool verifyEveryRank = false)
    {
        var world = InProcessCommunicator.Create(size, directoryOfRank, timeout ?? TimeSpan.FromSeconds(30));
        return InProcessCommunicator.Run(world, comm =>
        {
            using var jit = new DistributedJit(comm, new DistributedJitOptions
            {
                Mode = mode, Timeout = timeout, CallsAreCollective = callsAreCollective, VerifySameRequest = verifySameRequest,
                VerifyGeneratedCodeOnEveryRank = verifyEveryRank,
            });
            return body(comm, jit, _scratch.Cache("cache-" + directoryOfRank(comm.Rank)));
        });
    }

    [Theory]
    [InlineData(BuildMode.Node, 1, 1)]
    [InlineData(BuildMode.Node, 2, 2)]
    [InlineData(BuildMode.Root, 2, 1)]
    [InlineData(BuildMode.Auto, 4, 1)]
    [InlineData(BuildMode.Process, 4, 4)]
    public void Four_ranks_compile_once_per_directory_in_node_mode_once_in_root_mode_and_once_each_in_process_mode(
        BuildMode mode, int directories, int compiles)
    {
        var compiler = _scratch.CountingCompiler();
        var results = Run(4, r => r % directories, (comm, jit, cache) =>
        {
            var result = jit.JitWithReport(Scratch.Request("four-ranks", cache, compiler, 5));
            return (result.Role, result.Library.Key, Value: Scratch.CallValue(result.Library));
        }, mode);

        Assert.Equal(compiles, _scratch.Compiles);
        Assert.Equal(compiles, results.Count(r => r.Role == BuildRole.Builder));
        Assert.Single(results.Select(r => r.Key).Distinct());
        Assert.All(results, r => Assert.Equal(5, r.Value));
    }

    [Fact]
    public void A_repeated_call_is_answered_from_memory_on_every_rank_without_collectives()
    {
        var compiler = _scratch.CountingCompiler();
        var results = Run(3, _ => 0, (comm, jit, cache) =>
        {
            var first = jit.JitWithReport(Scratch.Request("repeat", cache, compiler));
            var second = jit.JitWithReport(Scratch.Request("repeat", cache, compiler));
            return (first.FromMemory, second.FromMemory, Same: ReferenceEquals(first.Library, second.Library));
        });

        Assert.All(results, r => Assert.False(r.Item1));
        Assert.All(results, r => Assert.True(r.Item2));
        Assert.All(results, r => Assert.True(r.Same));
        Assert.Equal(1, _scratch.Compiles);
    }

    [Fact]
    public void When_one_rank_already_has_the_library_the_others_receive_it_and_nobody_compiles_again()
    {
        var compiler = _scratch.CountingCompiler();
        new JitCompiler().Jit(Scratch.Request("one-has-it", _scratch.Cache("cache-0"), compiler));
        var results = Run(4, r => r, (comm, jit, cache) => jit.JitWithReport(Scratch.Request("one-has-it", cache, compiler)).Role, BuildMode.Root);

        Assert.Equal(1, _scratch.Compiles);
        Assert.Equal([BuildRole.Hit, BuildRole.Receiver, BuildRole.Receiver, BuildRole.Receiver], results);
    }

    [Fact]
    public void When_every_rank_has_the_library_the_call_is_a_hit_everywhere()
    {
        var compiler = _scratch.CountingCompiler();
        Run(2, r => r, (comm, jit, cache) => jit.Jit(Scratch.Request("all-have-it", cache, compiler)), BuildMode.Process);
        var roles = Run(2, r => r, (comm, jit, cache) => jit.JitWithReport(Scratch.Request("all-have-it", cache, compiler)).Role, BuildMode.Root);

        Assert.All(roles, r => Assert.Equal(BuildRole.Hit, r));
        Assert.Equal(2, _scratch.Compiles);
    }

    [Theory]
    [InlineData(BuildMode.Node, 1)]
    [InlineData(BuildMode.Node, 2)]
    [InlineData(BuildMode.Root, 4)]
    [InlineData(BuildMode.Process, 4)]
    public void A_compile_error_reaches_every_rank_as_the_same_compile_exception_with_output_tail_and_failure_folder(BuildMode mode, int directories)
    {
        var compiler = _scratch.CountingCompiler();
        var errors = Run(4, r => r % directories, (comm, jit, cache) =>
            Assert.Throws<JitCompileException>(() => jit.Jit(Scratch.Request("broken", cache, compiler, broken: true))), mode);

        Assert.Single(errors.Select(e => e.Message).Distinct());
        Assert.Single(errors.Select(e => e.FailureDirectory).Distinct());
        Assert.All(errors, e => Assert.Contains("error", e.OutputTail, StringComparison.Ordinal));
        Assert.All(errors, e => Assert.True(Directory.Exists(e.FailureDirectory)));
    }

    [Fact]
    public void A_failure_recorded_in_one_directory_only_gives_every_rank_the_same_error_instead_of_a_hang()
    {
        var compiler = _scratch.CountingCompiler();
        Assert.Throws<JitCompileException>(() => new JitCompiler().Jit(Scratch.Request("recorded", _scratch.Cache("cache-1"), compiler, broken: true)));
        var errors = Run(2, r => r, (comm, jit, cache) =>
            Assert.Throws<JitCompileException>(() => jit.Jit(Scratch.Request("recorded", cache, compiler, broken: true))), BuildMode.Root);

        Assert.Single(errors.Select(e => e.Message).Distinct());
        Assert.All(errors, e => Assert.True(e.FromFailureRecord));
        Assert.Equal(1, _scratch.Compiles);
    }

    [Fact]
    public void Process_mode_on_a_shared_directory_is_refused_on_every_rank()
    {
        var compiler = _scratch.CountingCompiler();
        var errors = Run(2, _ => 0, (comm, jit, cache) =>
            Assert.Throws<JitRequestException>(() => jit.Jit(Scratch.Request("process-shared", cache, compiler))), BuildMode.Process);

        Assert.All(errors, e => Assert.Contains("one cache directory per rank", e.Message, StringComparison.Ordinal));
        Assert.Equal(0, _scratch.Compiles);
    }

    [Fact]
    public void A_builder_that_hangs_ends_the_waiters_in_a_timeout_error_naming_the_signature_the_key_and_the_rank()
    {
        var compiler = _scratch.CountingCompiler();
        using var release = new ManualResetEventSlim();
        var outcomes = Run(3, _ => 0, (comm, jit, cache) =>
        {
            var request = Scratch.Request("hangs", cache, compiler);
            if (comm.Rank == 0)
            {
                var generate = request.Generate!;
                request = new JitRequest
                {
                    Signature = request.Signature, CacheDirectory = cache, Build = request.Build, LockTimeout = request.LockTimeout,
                    Generate = s => { release.Wait(TimeSpan.FromSeconds(20)); return generate(s); },
                };
            }
            try
            {
                jit.Jit(request);
                return "ok";
            }
            catch (JitLockTimeoutException e)
            {
                release.Set();
                return e.Message;
            }
            catch (Exception e)
            {
                return e.GetType().Name;
            }
        }, BuildMode.Node, TimeSpan.FromMilliseconds(800));

        Assert.All(outcomes.Skip(1), m => Assert.Contains("distributed JIT of 'hangs' (base key ", m, StringComparison.Ordinal));
        Assert.Contains("timed out on rank 1 of 3", outcomes[1], StringComparison.Ordinal);
        Assert.Contains("waiting for the builder's outcome", outcomes[2], StringComparison.Ordinal);
    }

    [Fact]
    public void With_request_verification_ranks_that_ask_for_different_signatures_all_get_the_same_clear_error()
    {
        var compiler = _scratch.CountingCompiler();
        var errors = Run(3, _ => 0, (comm, jit, cache) =>
            Assert.Throws<JitRequestException>(() => jit.Jit(Scratch.Request("differs-" + comm.Rank, cache, compiler))).Message,
            BuildMode.Node, verifySameRequest: true);

        Assert.All(errors, m => Assert.Contains("asked for different JIT requests", m, StringComparison.Ordinal));
        Assert.Equal(0, _scratch.Compiles);
    }

    [Fact]
    public void Without_collective_memory_a_repeated_call_takes_part_again_and_hits()
    {
        var compiler = _scratch.CountingCompiler();
        var results = Run(2, _ => 0, (comm, jit, cache) =>
        {
            jit.Jit(Scratch.Request("no-memory", cache, compiler));
            return jit.JitWithReport(Scratch.Request("no-memory", cache, compiler));
        }, BuildMode.Node, callsAreCollective: false);

        Assert.All(results, r => Assert.False(r.FromMemory));
        Assert.All(results, r => Assert.Equal(BuildRole.Hit, r.Role));
        Assert.Equal(1, _scratch.Compiles);
    }

    [Theory]
    [InlineData(BuildMode.Node, 1)]
    [InlineData(BuildMode.Root, 4)]
    public void A_compiler_killed_on_every_attempt_reaches_every_rank_as_the_same_interrupted_build_and_nothing_is_recorded(BuildMode mode, int directories)
    {
        // One builder per job in both layouts: the kill counter of the wrapper is not locked.
        var gxx = CompilerDiscovery.FindExecutable("g++")!;
        var cc = new KillingCompiler(_scratch.Root, gxx, KillStyle.Subprocess) { KillsLeft = 100 };
        var errors = Run(4, r => r % directories, (comm, jit, cache) =>
            Assert.Throws<JitBuildInterruptedException>(() => jit.Jit(Scratch.Request("killed", cache, cc.Path))), mode);

        Assert.Single(errors.Select(e => e.Message).Distinct());
        Assert.All(errors, e => Assert.Contains($"cc1plus (run by {Path.GetFileName(gxx)}) terminated by signal 9 (SIGKILL), possibly out of memory", e.Message, StringComparison.Ordinal));
        Assert.All(errors, e => Assert.Equal((9, 2), (e.Signal, e.Attempts)));
        Assert.Equal(2, cc.Compiles);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_scratch.Root, "*", SearchOption.AllDirectories),
            p => p.Contains("/failures/", StringComparison.Ordinal));
    }

    [Fact]
    public void With_request_verification_builders_that_generate_different_code_for_one_signature_all_get_the_same_error_before_compiling()
    {
        var compiler = _scratch.CountingCompiler();
        var errors = Run(4, r => r / 2, (comm, jit, cache) =>
            Assert.Throws<JitRequestException>(() => jit.Jit(Scratch.Request("generators-differ", cache, compiler, comm.Rank == 2 ? 3 : 2))).Message,
            BuildMode.Node, verifySameRequest: true);

        Assert.Single(errors.Distinct());
        Assert.Contains("the generators of 'generators-differ' produced different code on ranks 0 and 2 of 'world' (compared among the ranks that build it, before compiling)", errors[0], StringComparison.Ordinal);
        Assert.Equal(0, _scratch.Compiles);
    }

    [Fact]
    public void Without_verification_builders_with_different_generators_silently_load_different_code()
    {
        // The hazard the verification exists for (the signature is the user's responsibility, as in dijitso).
        var compiler = _scratch.CountingCompiler();
        var values = Run(4, r => r / 2, (comm, jit, cache) =>
            Scratch.CallValue(jit.Jit(Scratch.Request("generators-differ", cache, compiler, comm.Rank == 2 ? 3 : 2))), BuildMode.Node);

        Assert.Equal([2, 2, 3, 3], values);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Only_verification_on_every_rank_sees_a_receiver_whose_generator_differs_from_the_builder(bool everyRank)
    {
        var compiler = _scratch.CountingCompiler();
        var generated = new int[4];
        var outcomes = Run(4, r => r, (comm, jit, cache) =>
        {
            var request = Scratch.Request("receiver-differs", cache, compiler, comm.Rank == 3 ? 3 : 2);
            var generate = request.Generate!;
            request = new JitRequest
            {
                Signature = request.Signature, CacheDirectory = cache, Build = request.Build, LockTimeout = request.LockTimeout,
                Generate = s => { Interlocked.Increment(ref generated[comm.Rank]); return generate(s); },
            };
            try
            {
                return Scratch.CallValue(jit.Jit(request)).ToString(System.Globalization.CultureInfo.InvariantCulture);
            }
            catch (JitRequestException e)
            {
                return e.Message;
            }
        }, BuildMode.Root, verifySameRequest: true, verifyEveryRank: everyRank);

        if (everyRank)
        {
            Assert.Single(outcomes.Distinct());
            Assert.Contains("produced different code on ranks 0 and 3 of 'world' (compared over every rank, before compiling)", outcomes[0], StringComparison.Ordinal);
            Assert.Equal([1, 1, 1, 1], generated);
            Assert.Equal(0, _scratch.Compiles);
        }
        else
        {
            // Root mode: one builder, so every rank loads the builder's code (consistent, but not rank 3's own).
            Assert.Equal(["2", "2", "2", "2"], outcomes);
            Assert.Equal([1, 0, 0, 0], generated);
            Assert.Equal(1, _scratch.Compiles);
        }
    }
}
