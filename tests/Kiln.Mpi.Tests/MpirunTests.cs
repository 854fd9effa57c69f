using System.Text.Json;
using Kiln.Testing;

namespace Kiln.Mpi.Tests;

/// <summary>
/// The binding under real launchers of both flavours (skipped when a flavour is not installed). Runs one at a time:
/// the machine has 2 cores and the ranks are oversubscribed.
/// </summary>
[Collection(nameof(MpirunSerial))]
public sealed class MpirunTests
{
    public static TheoryData<MpiFlavour, int> FlavoursAndSizes() => new()
    {
        { MpiFlavour.OpenMpi, 1 }, { MpiFlavour.OpenMpi, 2 }, { MpiFlavour.OpenMpi, 4 }, { MpiFlavour.OpenMpi, 8 },
        { MpiFlavour.Mpich, 1 }, { MpiFlavour.Mpich, 2 }, { MpiFlavour.Mpich, 4 }, { MpiFlavour.Mpich, 8 },
    };

    private static string S(JsonElement e, string name) => e.GetProperty(name).ToString();

    private static void AssertNoError(Mpirun.Run run, int ranks)
    {
        Assert.False(run.HitTheHardLimit, "mpirun hung: " + run);
        Assert.True(run.Lines.Count == ranks, $"expected {ranks} lines, got {run.Lines.Count}: {run}");
        foreach (var line in run.Lines)
            Assert.False(line.TryGetProperty("error", out var error), $"rank {S(line, "launcherRank")}: {error}");
        Assert.True(run.Status == 0, run.ToString());
    }

    [Theory]
    [MemberData(nameof(FlavoursAndSizes))]
    public void Every_rank_gets_its_rank_and_the_size_from_the_library_that_matches_the_launcher(MpiFlavour flavour, int ranks)
    {
        var run = Mpirun.Start(flavour, ranks, ["info"]);
        AssertNoError(run, ranks);
        Assert.Equal(Enumerable.Range(0, ranks), run.Lines.Select(l => l.GetProperty("rank").GetInt32()));
        Assert.All(run.Lines, l => Assert.Equal(ranks, l.GetProperty("size").GetInt32()));
        Assert.All(run.Lines, l => Assert.Equal(flavour.ToString(), S(l, "flavour")));
        Assert.All(run.Lines, l => Assert.True(l.GetProperty("initializedByKiln").GetBoolean()));
        Assert.All(run.Lines, l => Assert.True(l.GetProperty("nullReferenceCaught").GetBoolean(), "a NullReferenceException after MPI_Init must stay catchable"));
        Assert.All(run.Lines, l => Assert.True(l.GetProperty("divideByZeroCaught").GetBoolean()));
        Assert.All(run.Lines, l => Assert.Equal(7, l.GetProperty("childProcessExit").GetInt32()));
    }

    [Theory]
    [MemberData(nameof(FlavoursAndSizes))]
    public void Broadcast_allreduce_messages_and_splits_work_on_every_rank(MpiFlavour flavour, int ranks)
    {
        var run = Mpirun.Start(flavour, ranks, ["collectives"]);
        AssertNoError(run, ranks);
        foreach (var l in run.Lines)
        {
            var rank = l.GetProperty("rank").GetInt32();
            Assert.Equal($"hello from {ranks - 1}", S(l, "broadcast"));
            Assert.True(l.GetProperty("bigBroadcastOk").GetBoolean());
            Assert.Equal(ranks * (ranks + 1) / 2, l.GetProperty("sumInt").GetInt32());
            Assert.Equal(1, l.GetProperty("minInt").GetInt32());
            Assert.Equal((1L << 40) + ranks - 1, l.GetProperty("maxLong").GetInt64());
            Assert.Equal(ranks * (1L << 40), l.GetProperty("sumLong").GetInt64());
            if (ranks > 1)
                Assert.Equal($"from {(rank + ranks - 1) % ranks}", S(l, "received"));
            var sameParity = Enumerable.Range(0, ranks).Where(r => r % 2 == rank % 2).ToList();
            Assert.Equal(sameParity.Count, l.GetProperty("splitSize").GetInt32());
            Assert.Equal(sameParity.Count(r => r > rank), l.GetProperty("splitRank").GetInt32()); // key = -rank: descending
            Assert.Equal(sameParity.Sum(), l.GetProperty("splitSum").GetInt32());
            Assert.True(l.GetProperty("splitNoneIsNull").GetBoolean());
            Assert.Equal(ranks, l.GetProperty("nodeSize").GetInt32()); // one machine: one shared-memory node
            Assert.Equal(rank, l.GetProperty("dupRank").GetInt32());
            Assert.Equal(ranks, l.GetProperty("adoptedSum").GetInt32());
            Assert.Equal(ranks == 1, l.GetProperty("allTrue").GetBoolean());
            Assert.True(l.GetProperty("anyTrue").GetBoolean());
            Assert.Equal("the work of rank 0 of communicator 'world' failed: System.InvalidOperationException: compiler said no", S(l, "rootFailure"));
            Assert.Equal("built", S(l, "rootResult"));
        }
    }

    [Theory]
    [MemberData(nameof(FlavoursAndSizes))]
    public void Ranks_that_share_one_directory_are_found_to_form_one_group(MpiFlavour flavour, int ranks)
    {
        var scratch = Directory.CreateTempSubdirectory("kiln-mpi-shared-").FullName;
        try
        {
            var run = Mpirun.Start(flavour, ranks, ["discover", "--base", scratch]);
            AssertNoError(run, ranks);
            foreach (var l in run.Lines)
            {
                Assert.Equal(Enumerable.Range(0, ranks), l.GetProperty("groupRanks").EnumerateArray().Select(e => e.GetInt32()));
                Assert.Equal(0, l.GetProperty("leader").GetInt32());
                Assert.Equal(1, l.GetProperty("directoryCount").GetInt32());
                Assert.Equal(1, l.GetProperty("nodeCount").GetInt32());
                Assert.False(l.GetProperty("spansNodes").GetBoolean());
                Assert.Equal(0, l.GetProperty("leftoverMarkers").GetInt32());
            }
            Assert.Empty(Directory.EnumerateFiles(Path.Combine(scratch, "shared")));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    public static TheoryData<MpiFlavour, int, int> NodeThenTouchFilesLayouts() => new()
    {
        { MpiFlavour.OpenMpi, 4, 0 }, { MpiFlavour.OpenMpi, 4, 2 }, { MpiFlavour.OpenMpi, 8, 3 },
        { MpiFlavour.Mpich, 4, 0 }, { MpiFlavour.Mpich, 4, 2 }, { MpiFlavour.Mpich, 8, 3 },
    };

    [Theory]
    [MemberData(nameof(NodeThenTouchFilesLayouts))]
    public void Node_then_touch_files_groups_ranks_like_touch_files(MpiFlavour flavour, int ranks, int perDirectory)
    {
        var scratch = Directory.CreateTempSubdirectory("kiln-mpi-bynode-").FullName;
        try
        {
            var run = Mpirun.Start(flavour, ranks, ["discover", "--base", scratch, "--method", "NodeThenTouchFiles",
                "--group-size", perDirectory.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            AssertNoError(run, ranks);
            var directories = perDirectory == 0 ? 1 : (ranks + perDirectory - 1) / perDirectory;
            foreach (var l in run.Lines)
            {
                var rank = l.GetProperty("rank").GetInt32();
                var expected = Enumerable.Range(0, ranks).Where(r => perDirectory == 0 || r / perDirectory == rank / perDirectory).ToList();
                Assert.Equal(expected, l.GetProperty("groupRanks").EnumerateArray().Select(e => e.GetInt32()));
                Assert.Equal(expected[0], l.GetProperty("leader").GetInt32());
                Assert.Equal(directories, l.GetProperty("directoryCount").GetInt32());
                Assert.Equal(0, l.GetProperty("leftoverMarkers").GetInt32());
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    public static TheoryData<MpiFlavour, int, int> SimulatedNodes() => new()
    {
        { MpiFlavour.OpenMpi, 4, 2 }, { MpiFlavour.OpenMpi, 8, 3 }, { MpiFlavour.OpenMpi, 4, 1 },
        { MpiFlavour.Mpich, 4, 2 }, { MpiFlavour.Mpich, 8, 3 }, { MpiFlavour.Mpich, 4, 1 },
    };

    [Theory]
    [MemberData(nameof(SimulatedNodes))]
    public void Ranks_with_distinct_directories_per_simulated_node_form_one_group_per_directory(MpiFlavour flavour, int ranks, int perDirectory)
    {
        var scratch = Directory.CreateTempSubdirectory("kiln-mpi-nodes-").FullName;
        try
        {
            var run = Mpirun.Start(flavour, ranks, ["discover", "--base", scratch, "--group-size", perDirectory.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            AssertNoError(run, ranks);
            var directories = (ranks + perDirectory - 1) / perDirectory;
            foreach (var l in run.Lines)
            {
                var rank = l.GetProperty("rank").GetInt32();
                var expected = Enumerable.Range(0, ranks).Where(r => r / perDirectory == rank / perDirectory).ToList();
                Assert.Equal(expected, l.GetProperty("groupRanks").EnumerateArray().Select(e => e.GetInt32()));
                Assert.Equal($"g{rank / perDirectory}", S(l, "directory"));
                Assert.Equal(expected[0], l.GetProperty("leader").GetInt32());
                Assert.Equal(rank == expected[0], l.GetProperty("isLeader").GetBoolean());
                Assert.Equal(rank == expected[0] ? directories.ToString(System.Globalization.CultureInfo.InvariantCulture) : "", S(l, "leadersSize"));
                Assert.Equal(directories, l.GetProperty("directoryCount").GetInt32());
                Assert.Equal(directories > 1, l.GetProperty("nodeHasOtherDirectories").GetBoolean());
            }
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    public static TheoryData<MpiFlavour, string, string> AbsentRankOperations() => new()
    {
        { MpiFlavour.OpenMpi, "broadcast", "Broadcast" }, { MpiFlavour.OpenMpi, "allreduce", "AllReduce(int)" },
        { MpiFlavour.OpenMpi, "barrier", "Barrier" }, { MpiFlavour.OpenMpi, "receive", "Receive" }, { MpiFlavour.OpenMpi, "duplicate", "Duplicate" },
        { MpiFlavour.Mpich, "broadcast", "Broadcast" }, { MpiFlavour.Mpich, "allreduce", "AllReduce(int)" },
        { MpiFlavour.Mpich, "barrier", "Barrier" }, { MpiFlavour.Mpich, "receive", "Receive" }, { MpiFlavour.Mpich, "duplicate", "Duplicate" },
    };

    [Theory]
    [MemberData(nameof(AbsentRankOperations))]
    public void A_rank_that_never_joins_makes_the_others_end_with_a_timeout_that_names_the_operation(MpiFlavour flavour, string op, string operation)
    {
        const int ranks = 4;
        const int absent = 2;
        var signal = Directory.CreateTempSubdirectory("kiln-mpi-absent-").FullName;
        try
        {
            var run = Mpirun.Start(flavour, ranks, ["absent", "--absent-rank", absent.ToString(System.Globalization.CultureInfo.InvariantCulture), "--op", op, "--timeout-ms", "1500", "--signal", signal]);
            Assert.False(run.HitTheHardLimit, "mpirun hung: " + run);
            Assert.True(run.Lines.Count == ranks, run.ToString());
            foreach (var l in run.Lines.Where(l => l.GetProperty("rank").GetInt32() != absent))
            {
                var rank = l.GetProperty("rank").GetInt32();
                Assert.Equal("MpiTimeoutException", S(l, "errorType"));
                Assert.Equal(operation, S(l, "operation"));
                Assert.StartsWith($"MPI {operation} timed out after 1.5 s on rank {rank} of {ranks} of communicator 'world': waited for ", S(l, "error"), StringComparison.Ordinal);
                Assert.StartsWith($"communicator 'world' is unusable on rank {rank}: MPI {operation} timed out", S(l, "afterwards"), StringComparison.Ordinal);
            }
            Assert.Equal(ranks - 1, run.Lines.Single(l => l.GetProperty("rank").GetInt32() == absent).GetProperty("othersReported").GetInt32());
        }
        finally
        {
            Directory.Delete(signal, recursive: true);
        }
    }

    public static TheoryData<MpiFlavour, string, int, string, string> BuildScenarios()
    {
        var data = new TheoryData<MpiFlavour, string, int, string, string>();
        foreach (var flavour in new[] { MpiFlavour.OpenMpi, MpiFlavour.Mpich })
        {
            // mode, ranks per directory (0 = one shared directory), expected actions log, expected roles by rank
            data.Add(flavour, "Node", 0, "0 build", "Builder Waiter Waiter Waiter");
            data.Add(flavour, "Node", 2, "0 build,2 build", "Builder Waiter Builder Waiter");
            data.Add(flavour, "Root", 2, "0 build,2 install", "Builder Waiter Receiver Waiter");
            data.Add(flavour, "Auto", 1, "0 build,1 install,2 install,3 install", "Builder Receiver Receiver Receiver");
            data.Add(flavour, "Process", 1, "0 build,1 build,2 build,3 build", "Builder Builder Builder Builder");
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(BuildScenarios))]
    public void A_distributed_build_runs_the_expected_builds_and_every_rank_ends_with_the_library(MpiFlavour flavour, string mode, int perDirectory, string actions, string roles)
    {
        var scratch = Directory.CreateTempSubdirectory("kiln-mpi-build-").FullName;
        try
        {
            var run = Mpirun.Start(flavour, 4, ["build", "--base", scratch, "--mode", mode, "--group-size", perDirectory.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            AssertNoError(run, 4);
            Assert.Equal(actions, string.Join(",", Directory.EnumerateFiles(Path.Combine(scratch, "actions")).Select(f => string.Join(' ', Path.GetFileName(f).Split(' ')[..2])).Order(StringComparer.Ordinal)));
            Assert.Equal(roles, string.Join(" ", run.Lines.Select(l => S(l, "role"))));
            Assert.All(run.Lines, l => Assert.Equal("Hit", S(l, "secondRole")));
            Assert.All(run.Lines, l => Assert.StartsWith("library built by rank ", S(l, "libraryContent"), StringComparison.Ordinal));
            Assert.All(run.Lines, l => Assert.False(l.TryGetProperty("buildError", out _)));
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Theory]
    [InlineData(MpiFlavour.OpenMpi, "Node", 0)]
    [InlineData(MpiFlavour.OpenMpi, "Root", 1)]
    [InlineData(MpiFlavour.Mpich, "Node", 2)]
    [InlineData(MpiFlavour.Mpich, "Root", 1)]
    public void A_failed_distributed_build_gives_every_rank_the_same_error_and_the_job_ends(MpiFlavour flavour, string mode, int perDirectory)
    {
        var scratch = Directory.CreateTempSubdirectory("kiln-mpi-fail-").FullName;
        try
        {
            var run = Mpirun.Start(flavour, 4, ["build", "--base", scratch, "--mode", mode, "--fail", "yes", "--group-size", perDirectory.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            AssertNoError(run, 4);
            var errors = run.Lines.Select(l => S(l, "buildError")).Distinct().ToList();
            Assert.Single(errors);
            Assert.EndsWith("failed: System.InvalidOperationException: k.cpp:1:1: error: expected unqualified-id", errors[0], StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(scratch, recursive: true);
        }
    }

    [Theory]
    [InlineData(MpiFlavour.OpenMpi, "libmpich.so.12", "Kiln.Mpi: libmpich.so.12 is MPICH but the processes were started by Open MPI's mpirun (OMPI_COMM_WORLD_SIZE=2); the library must match the launcher: use libmpi.so.40")]
    [InlineData(MpiFlavour.Mpich, "libmpi.so.40", "Kiln.Mpi: libmpi.so.40 is Open MPI but the processes were started by MPICH's mpiexec (PMI) (PMI_SIZE=2); the library must match the launcher: use libmpich.so.12")]
    public void A_library_of_the_other_flavour_than_the_launcher_fails_with_one_clear_line(MpiFlavour flavour, string library, string expected)
    {
        Assert.NotNull(Mpirun.Launcher(flavour == MpiFlavour.OpenMpi ? MpiFlavour.Mpich : MpiFlavour.OpenMpi) ?? Skip("the other flavour is not installed"));
        var run = Mpirun.Start(flavour, 2, ["info"], new Dictionary<string, string> { ["KILN_MPI_LIBRARY"] = library });
        Assert.False(run.HitTheHardLimit, "mpirun hung: " + run);
        Assert.NotEqual(0, run.Status);
        // Open MPI's mpirun kills the remaining ranks as soon as one exits non-zero, so under load the other rank
        // may be gone before it reports: at least one rank reports, and every report is the one clear line.
        Assert.InRange(run.Lines.Count, 1, 2);
        Assert.All(run.Lines, l => Assert.StartsWith(expected, S(l, "error"), StringComparison.Ordinal));
        Assert.All(run.Lines, l => Assert.DoesNotContain('\n', S(l, "error")));
    }

    [Theory]
    [InlineData("libmpich.so.12", "PMI_SIZE", "Kiln.Mpi: libmpich.so.12 (MPICH) sees 1 rank(s) but the launcher started 3 (PMI_SIZE=3): the library does not belong to the launcher")]
    [InlineData("libmpi.so.40", "OMPI_COMM_WORLD_SIZE", "Kiln.Mpi: libmpi.so.40 (Open MPI) sees 1 rank(s) but the launcher started 3 (OMPI_COMM_WORLD_SIZE=3): the library does not belong to the launcher")]
    public void A_library_that_sees_another_size_than_the_launcher_fails_with_one_clear_line(string library, string sizeVariable, string expected)
    {
        Mpirun.RequireLauncher(library.Contains("mpich", StringComparison.Ordinal) ? MpiFlavour.Mpich : MpiFlavour.OpenMpi);
        // A singleton run with a launcher size variable that disagrees: what an inherited or foreign launcher environment looks like.
        var run = Mpirun.Singleton(["info"], new Dictionary<string, string> { ["KILN_MPI_LIBRARY"] = library, [sizeVariable] = "3" });
        Assert.False(run.HitTheHardLimit, "hung: " + run);
        Assert.Equal(2, run.Status);
        Assert.StartsWith(expected, S(Assert.Single(run.Lines), "error"), StringComparison.Ordinal);
    }

    private static string Skip(string reason)
    {
        Assert.Skip(reason);
        return reason;
    }
}

[CollectionDefinition(nameof(MpirunSerial), DisableParallelization = true)]
public sealed class MpirunSerial;
