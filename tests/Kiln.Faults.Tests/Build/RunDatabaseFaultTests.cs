using System.Buffers.Binary;
using Microsoft.Data.Sqlite;

namespace Kiln.Faults.Tests.Build;

/// <summary>Issue 8.2, corrupted state: a run-database cut at every point a killed run can leave it (each prefix of its
/// WAL), garbage, of an unknown schema version, or locked by another kiln — the real kiln on a small generated C project.</summary>
/// <remarks>The tests share one root, emptied before each, so that build.cs is compiled once (<see cref="ScriptCachingRoot"/>).</remarks>
public sealed class RunDatabaseFaultTests : IClassFixture<ScriptCachingRoot>
{
    private readonly string _root;
    private readonly GeneratedCProject _project;

    public RunDatabaseFaultTests(ScriptCachingRoot place)
    {
        _root = place.Fresh();
        _project = new GeneratedCProject(_root, moduleCount: 2);
        _project.WriteAll();
    }

    private string Database => Path.Combine(_root, ".kiln", "runs-2.sqlite");

    private void RemoveDatabase()
    {
        foreach (var suffix in new[] { "", "-wal", "-shm" })
            File.Delete(Database + suffix);
    }

    private KilnProcess.Result Build() => KilnProcess.Run(_root, "build");

    private SortedDictionary<string, byte[]> BuildFromScratch()
    {
        if (Directory.Exists(Path.Combine(_root, "build")))
            Directory.Delete(Path.Combine(_root, "build"), true);
        RemoveDatabase();
        var r = Build();
        Assert.True(r.ExitCode == 0, r.Error);
        return _project.Outputs();
    }

    private static void AssertSameOutputs(SortedDictionary<string, byte[]> expected, SortedDictionary<string, byte[]> actual, string what)
    {
        Assert.True(expected.Keys.SequenceEqual(actual.Keys), $"{what}: outputs {string.Join(' ', actual.Keys)}");
        foreach (var (path, bytes) in expected)
            Assert.True(bytes.AsSpan().SequenceEqual(actual[path]), $"{what}: '{path}' differs from a from-scratch build");
    }

    private string ResetAdvice => $"  | if you suspect database corruption, remove the run-database file(s) (nothing but redos is lost): rm -f '{Database}'*\n";

    private static void SkipWithoutGcc()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
    }

    /// <summary>A killed process leaves a prefix of the WAL it was appending (frames are written in order; SQLite
    /// ignores frames after the last valid commit frame). Every frame boundary of the WAL of two runs — the first creates
    /// the schema, the second follows an edit — is such a kill point; from each, the next run must succeed with the
    /// outputs of a from-scratch build, and the run after that must have nothing to redo.</summary>
    [Fact]
    public void A_run_database_cut_at_any_WAL_frame_is_repaired_by_the_next_run_without_a_stale_trace_trusted()
    {
        SkipWithoutGcc();
        RemoveDatabase();
        Assert.Equal(0, Build().ExitCode);
        _project.Write("include/common.h", "#define COMMON 2\n");
        Assert.Equal(0, Build().ExitCode);
        var expected = _project.Outputs();
        var main = File.ReadAllBytes(Database);
        var wal = File.ReadAllBytes(Database + "-wal");
        var pageSize = (int)BinaryPrimitives.ReadUInt32BigEndian(wal.AsSpan(8, 4));
        var frameSize = 24 + pageSize;
        Assert.Equal(0, (wal.Length - 32) % frameSize);
        var frames = (wal.Length - 32) / frameSize;
        Assert.True(frames >= 4, $"only {frames} WAL frames");
        var log = TestContext.Current.TestOutputHelper;
        log?.WriteLine($"main file {main.Length} bytes, WAL {frames} frames of {pageSize} bytes");

        for (var k = 0; k <= frames; k++)
        {
            RemoveDatabase();
            File.WriteAllBytes(Database, main);
            File.WriteAllBytes(Database + "-wal", wal.AsSpan(0, 32 + k * frameSize).ToArray());
            var r = Build();
            Assert.True(r.ExitCode == 0, $"WAL cut after frame {k} of {frames}: {r.Error}");
            AssertSameOutputs(expected, _project.Outputs(), $"WAL cut after frame {k} of {frames}");
            var again = Build();
            Assert.True(again.ExitCode == 0 && again.Error.Contains("I run: 0 redo(s)", StringComparison.Ordinal), $"WAL cut after frame {k}: run after the repair\n{again.Error}");
        }
    }

    [Fact]
    public void A_garbage_run_database_is_one_error_naming_the_file_and_the_reset_command_and_the_reset_works()
    {
        SkipWithoutGcc();
        BuildFromScratch();
        RemoveDatabase();
        File.WriteAllBytes(Database, [.. Enumerable.Range(0, 9000).Select(i => (byte)(i * 7919 % 251))]);
        _project.Write("include/common.h", "#define COMMON 3\n");

        var r = Build();
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            $"error: could not setup run-database '{Database}'\n  | reason: SQLite Error 26: 'file is not a database'.\n{ResetAdvice}  | at build.cs:3\n",
            r.Error);
        AssertResetGivesAFromScratchBuild();
    }

    [Fact]
    public void A_run_database_of_an_unknown_schema_version_is_one_error_naming_the_file_and_the_reset_command()
    {
        SkipWithoutGcc();
        BuildFromScratch();
        // The version this kiln wrote, plus one: a literal went stale when the schema became version 2.
        int known;
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            connection.Open();
            using var read = connection.CreateCommand();
            read.CommandText = "SELECT value FROM Meta WHERE key='schema'";
            known = int.Parse((string)read.ExecuteScalar()!, System.Globalization.CultureInfo.InvariantCulture);
            using var command = connection.CreateCommand();
            command.CommandText = $"UPDATE Meta SET value='{known + 1}' WHERE key='schema'";
            Assert.Equal(1, command.ExecuteNonQuery());
        }
        _project.Write("src/m0.c", "int m0(int x) { return x; }\n");

        var r = Build();
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            $"error: could not setup run-database '{Database}'\n  | reason: unknown schema version '{known + 1}' (this Kiln knows version {known})\n{ResetAdvice}  | at build.cs:3\n",
            r.Error);
        AssertResetGivesAFromScratchBuild();
    }

    [Fact]
    public void A_run_database_with_tables_of_something_else_is_refused()
    {
        SkipWithoutGcc();
        RemoveDatabase();
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=False"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE Other(x)";
            command.ExecuteNonQuery();
        }
        var r = Build();
        Assert.Equal(1, r.ExitCode);
        Assert.Equal(
            $"error: could not setup run-database '{Database}'\n  | reason: not a Kiln run-database (unknown tables)\n{ResetAdvice}  | at build.cs:3\n",
            r.Error);
        Assert.False(Directory.Exists(Path.Combine(_root, "build")), "nothing may be built with a refused run-database");
    }

    [Fact]
    public void A_working_tree_locked_by_another_process_is_one_error_and_nothing_is_built()
    {
        SkipWithoutGcc();
        // `flock` holds .kiln/lock as a second kiln would (the kernel releases it when the holder dies).
        var lockPath = Path.Combine(_root, ".kiln", "lock");
        var info = new System.Diagnostics.ProcessStartInfo("flock") { UseShellExecute = false, RedirectStandardInput = true };
        foreach (var a in new[] { lockPath, "-c", "echo locked; read x" })
            info.ArgumentList.Add(a);
        info.RedirectStandardOutput = true;
        using var holder = System.Diagnostics.Process.Start(info)!;
        Assert.Equal("locked", holder.StandardOutput.ReadLine());
        try
        {
            var r = Build();
            Assert.Equal(1, r.ExitCode);
            Assert.StartsWith($"error: cannot acquire lock for exclusive access to working tree '{_root}/'\n  | reason: '{lockPath}' is locked by ", r.Error);
            Assert.Single(r.Error.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
            Assert.False(Directory.Exists(Path.Combine(_root, "build")));
        }
        finally
        {
            holder.StandardInput.Close();
            holder.WaitForExit();
        }
        Assert.Equal(0, Build().ExitCode);
    }

    /// <summary>Runs the advised <c>rm -f '…'*</c> through the shell, then kiln: everything is redone, and the outputs
    /// are those of a from-scratch build of the current sources.</summary>
    private void AssertResetGivesAFromScratchBuild()
    {
        using (var rm = System.Diagnostics.Process.Start("sh", ["-c", $"rm -f '{Database}'*"]))
            rm.WaitForExit();
        var r = Build();
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Contains("redo necessary because not run before", r.Error);
        var afterReset = _project.Outputs();
        AssertSameOutputs(BuildFromScratch(), afterReset, "after the reset");
    }
}
