using Kiln.Mpi;
using Kiln.Testing;
using Kiln.Toolchain;
using static Kiln.Testing.Mpirun;

namespace Kiln.Jit.Mpi.Tests;

/// <summary>DistributedJit under real mpirun, Open MPI and MPICH; every run is wrapped in <c>timeout</c>.</summary>
public sealed class MpirunTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    public static TheoryData<MpiFlavour, int, string, int> Layouts()
    {
        var data = new TheoryData<MpiFlavour, int, string, int>();
        foreach (var flavour in new[] { MpiFlavour.OpenMpi, MpiFlavour.Mpich })
        {
            foreach (var p in new[] { 1, 2, 4, 8 })
            {
                // mode, ranks per directory (0 = one shared directory)
                data.Add(flavour, p, "Node", 0);
                data.Add(flavour, p, "Node", 2);
                data.Add(flavour, p, "Root", 2);
                data.Add(flavour, p, "Process", 1);
            }
        }
        return data;
    }

    private static int ExpectedCompiles(int ranks, string mode, int perDirectory) => mode switch
    {
        "Node" => perDirectory == 0 ? 1 : (ranks + perDirectory - 1) / perDirectory,
        "Root" => 1,
        _ => ranks,
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Compiles_equal_the_directories_in_node_mode_one_in_root_mode_and_the_ranks_in_process_mode(MpiFlavour flavour, int ranks, string mode, int perDirectory)
    {
        var run = Start(flavour, ranks, ["jit", "--base", _scratch.Root, "--mode", mode, "--group-size", perDirectory.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--compiler", _scratch.CountingCompiler()]);

        Assert.False(run.HitTheHardLimit, run.ToString());
        Assert.True(run.Lines.Count == ranks, run.ToString());
        Assert.All(run.Lines, l => Assert.Equal("", S(l, "error")));
        Assert.All(run.Lines, l => Assert.Equal("42", S(l, "value")));
        Assert.All(run.Lines, l => Assert.Equal("True", S(l, "laterFromMemory")));
        Assert.Single(run.Lines.Select(l => S(l, "key")).Distinct());
        var expected = ExpectedCompiles(ranks, mode, perDirectory);
        Assert.Equal(expected, _scratch.Compiles);
        Assert.Equal(expected, run.Lines.Count(l => S(l, "role") == "Builder"));
        if (mode == "Root")
            Assert.Equal((ranks + 1) / 2 - 1, run.Lines.Count(l => S(l, "role") == "Receiver"));
    }

    [Theory]
    [InlineData(MpiFlavour.OpenMpi, "Node", 0)]
    [InlineData(MpiFlavour.OpenMpi, "Root", 2)]
    [InlineData(MpiFlavour.Mpich, "Node", 2)]
    [InlineData(MpiFlavour.Mpich, "Root", 1)]
    public void A_compile_error_reaches_every_rank_as_the_same_typed_error_within_five_seconds(MpiFlavour flavour, string mode, int perDirectory)
    {
        var run = Start(flavour, 4, ["jit", "--base", _scratch.Root, "--mode", mode, "--group-size", perDirectory.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--broken", "--calls", "1"]);

        Assert.False(run.HitTheHardLimit, run.ToString());
        Assert.True(run.Lines.Count == 4, run.ToString());
        Assert.All(run.Lines, l => Assert.Equal("Kiln.Jit.JitCompileException", S(l, "errorType")));
        Assert.Single(run.Lines.Select(l => S(l, "error")).Distinct());
        Assert.Single(run.Lines.Select(l => S(l, "failureDirectory")).Distinct());
        Assert.All(run.Lines, l => Assert.Contains("error", S(l, "outputTail"), StringComparison.Ordinal));
        Assert.All(run.Lines, l => Assert.Contains("jitfailure-jit-mpi-test", S(l, "failureDirectory"), StringComparison.Ordinal));
        var elapsed = run.Lines.Select(l => double.Parse(S(l, "elapsedMs"), System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.True(elapsed.Max() - elapsed.Min() < 5000, string.Join(", ", elapsed));
        Assert.True(elapsed.Max() < 5000 + 10000, string.Join(", ", elapsed)); // compile included
    }

    [Theory]
    [InlineData(MpiFlavour.OpenMpi, "Node", 0)]
    [InlineData(MpiFlavour.OpenMpi, "Root", 2)]
    [InlineData(MpiFlavour.Mpich, "Node", 0)]
    [InlineData(MpiFlavour.Mpich, "Root", 2)]
    public void A_hung_builder_ends_the_others_in_a_timeout_error_naming_the_key_and_the_rank(MpiFlavour flavour, string mode, int perDirectory)
    {
        var run = Start(flavour, 4, ["jit", "--base", _scratch.Root, "--mode", mode, "--group-size", perDirectory.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--hang-builder", "--timeout-ms", "3000", "--calls", "1"]);

        Assert.False(run.HitTheHardLimit, run.ToString());
        var others = run.Lines.Where(l => S(l, "rank") != "0").ToList();
        Assert.True(others.Count == 3, run.ToString());
        foreach (var l in others)
        {
            Assert.Equal("Kiln.Jit.JitLockTimeoutException", S(l, "errorType"));
            Assert.Contains("distributed JIT of 'jit-mpi-test' (base key ", S(l, "error"), StringComparison.Ordinal);
            Assert.Contains($"timed out on rank {S(l, "rank")} of 4", S(l, "error"), StringComparison.Ordinal);
            Assert.Contains("waited for", S(l, "error"), StringComparison.Ordinal);
        }
        Assert.Equal("3", S(run.Lines.Single(l => S(l, "rank") == "0"), "othersReported"));
    }

    [Theory]
    [InlineData(MpiFlavour.OpenMpi, "Node", 0, true)]
    [InlineData(MpiFlavour.OpenMpi, "Root", 2, false)]
    [InlineData(MpiFlavour.Mpich, "Node", 0, false)]
    [InlineData(MpiFlavour.Mpich, "Root", 2, false)]
    public void A_killed_builder_ends_the_job_without_a_hang_and_the_next_run_builds_with_no_stale_lock(MpiFlavour flavour, string mode, int perDirectory, bool keepSurvivors)
    {
        // Default launchers end the job as soon as a rank dies (Open MPI's mpirun exits 137, MPICH's hydra 9), long
        // before the survivors' 60 s timeout: no survivor reports. With Open MPI's orte_abort_on_non_zero_status 0 the
        // survivors live on and reach their (3 s) timeout.
        string[] launcher = keepSurvivors ? ["--mca", "orte_abort_on_non_zero_status", "0"] : [];
        string[] arguments = ["jit", "--base", _scratch.Root, "--mode", mode, "--group-size", perDirectory.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--timeout-ms", keepSurvivors ? "3000" : "60000", "--calls", "1"];
        var run = Start(flavour, 4, [.. arguments, "--kill-builder"], launcherArguments: launcher);

        Assert.False(run.HitTheHardLimit, run.ToString());
        Assert.True(File.Exists(Path.Combine(_scratch.Root, "killed.0")), run.ToString());
        if (keepSurvivors)
        {
            Assert.NotEqual(0, run.Status);
            Assert.NotEmpty(run.Lines);
            Assert.All(run.Lines, l => Assert.Equal("Kiln.Jit.JitLockTimeoutException", S(l, "errorType")));
        }
        else
        {
            Assert.True(run.Status == (flavour == MpiFlavour.OpenMpi ? 137 : 9), run.ToString());
            Assert.Empty(run.Lines);
        }

        // The kernel released the dead builder's flock: the next job builds and every rank loads.
        var rerun = Start(flavour, 4, arguments);

        Assert.True(rerun.Status == 0 && rerun.Lines.Count == 4, rerun.ToString());
        Assert.All(rerun.Lines, l => Assert.Equal(("", "42"), (S(l, "error"), S(l, "value"))));
    }

    [Theory]
    [InlineData(MpiFlavour.OpenMpi, "Node", 0)]
    [InlineData(MpiFlavour.Mpich, "Root", 2)]
    public void A_compiler_killed_by_SIGKILL_is_the_same_interrupted_build_on_every_rank_and_the_next_run_retries_and_builds(MpiFlavour flavour, string mode, int perDirectory)
    {
        // One builder per job in both layouts (the wrapper's kill counter is not locked).
        var gxx = CompilerDiscovery.FindExecutable("g++")!;
        var cc = new KillingCompiler(_scratch.Root, gxx, KillStyle.Subprocess) { KillsLeft = 100 };
        string[] arguments = ["jit", "--base", _scratch.Root, "--mode", mode, "--group-size", perDirectory.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--compiler", cc.Path, "--calls", "1"];

        var run = Start(flavour, 4, arguments);

        Assert.False(run.HitTheHardLimit, run.ToString());
        Assert.True(run.Lines.Count == 4, run.ToString());
        Assert.All(run.Lines, l => Assert.Equal("Kiln.Jit.JitBuildInterruptedException", S(l, "errorType")));
        Assert.Single(run.Lines.Select(l => S(l, "error")).Distinct());
        Assert.Contains($"cc1plus (run by {Path.GetFileName(gxx)}) terminated by signal 9 (SIGKILL), possibly out of memory", S(run.Lines[0], "error"), StringComparison.Ordinal);
        Assert.All(run.Lines, l => Assert.Equal(("9", "2"), (S(l, "signal"), S(l, "attempts"))));
        Assert.Equal(2, cc.Compiles);
        Assert.DoesNotContain(Directory.EnumerateFileSystemEntries(_scratch.Root, "*", SearchOption.AllDirectories),
            p => p.Contains("/failures/", StringComparison.Ordinal));

        // Nothing was recorded: the next job compiles again; killed once more, the retry builds.
        cc.KillsLeft = 1;
        var rerun = Start(flavour, 4, arguments);

        Assert.True(rerun.Status == 0 && rerun.Lines.Count == 4, rerun.ToString());
        Assert.All(rerun.Lines, l => Assert.Equal(("", "42"), (S(l, "error"), S(l, "value"))));
        Assert.Equal(4, cc.Compiles);
    }

    [Fact]
    public void With_request_verification_builders_whose_generators_differ_all_get_the_same_error_and_nothing_is_compiled()
    {
        // Two simulated nodes (directories of ranks 0-1 and 2-3): node mode has two builders, ranks 0 and 2.
        var run = Start(MpiFlavour.OpenMpi, 4, ["jit", "--base", _scratch.Root, "--mode", "Node", "--group-size", "2",
            "--compiler", _scratch.CountingCompiler(), "--verify", "--differ-rank", "2", "--calls", "1"]);

        Assert.False(run.HitTheHardLimit, run.ToString());
        Assert.True(run.Lines.Count == 4, run.ToString());
        Assert.All(run.Lines, l => Assert.Equal("Kiln.Jit.JitRequestException", S(l, "errorType")));
        Assert.Single(run.Lines.Select(l => S(l, "error")).Distinct());
        Assert.Contains("the generators of 'jit-mpi-test' produced different code on ranks 0 and 2 of 'world'", S(run.Lines[0], "error"), StringComparison.Ordinal);
        Assert.Equal(0, _scratch.Compiles);
    }
}
