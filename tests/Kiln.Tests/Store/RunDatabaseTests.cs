using Kiln.Paths;
using Kiln.Store;
using Kiln.Tests.WorkingTree;
using Microsoft.Data.Sqlite;

namespace Kiln.Tests.Store;

/// <summary>The run-database on a temporary file, after dlb's <c>test/dlb/0/test_ex_rundb.py</c> (dlb-spec §3).</summary>
public sealed class RunDatabaseTests : IDisposable
{
    private static readonly byte[] Fp1 = [1];
    private static readonly byte[] Fp2 = [2];
    private static readonly byte[] Env = [0xE];
    private static readonly byte[] Definition = [0xD];

    private readonly TemporaryDirectory _directory = new();

    private string DatabasePath => _directory.Path + "runs-2.sqlite";

    public void Dispose() => _directory.Dispose();

    private RunDatabase Open(long startNs = 1000, long forgetBeforeNs = 0) => RunDatabase.Open(DatabasePath, startNs, forgetBeforeNs);

    private static Trace NewTrace(params TracedInput[] inputs) => new(false, Env, Definition, inputs);

    private static byte[] Memo(long mtimeNs) => new FileMemo(FileKind.RegularFile, 1, mtimeNs, 0x1A4, 1, 1, null).Encode();

    private static void AssertTraceEqual(Trace expected, Trace? actual)
    {
        Assert.NotNull(actual);
        Assert.Equal(expected.RedoRequested, actual.RedoRequested);
        Assert.Equal(expected.EnvironmentDigest, actual.EnvironmentDigest);
        Assert.Equal(expected.DefinitionDigest, actual.DefinitionDigest);
        Assert.Equal(
            expected.Inputs.OrderBy(i => i.EncodedPath, StringComparer.Ordinal).Select(i => (i.EncodedPath, i.IsExplicit, Hex(i.Memo))),
            actual.Inputs.OrderBy(i => i.EncodedPath, StringComparer.Ordinal).Select(i => (i.EncodedPath, i.IsExplicit, Hex(i.Memo))));
    }

    private static string? Hex(byte[]? bytes) => bytes is null ? null : Convert.ToHexString(bytes);

    private List<string> Query(string sql)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = DatabasePath, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        return rows;
    }

    // ---- opening --------------------------------------------------------------------------------------------

    [Fact]
    public void Opening_creates_the_documented_schema()
    {
        using (var db = Open())
            db.Commit();

        Assert.Equal(
            ["Input", "Meta", "OutputWriter", "Redo", "RedoState", "Run", "ToolInst"],
            Query("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name"));
        Assert.Equal(["schema|2"], Query("SELECT key, value FROM Meta"));
        Assert.Equal("runs-2.sqlite", RunDatabase.FileName);
        Assert.Equal(["runs-1.sqlite"], RunDatabase.OlderFileNames);
        Assert.Equal(
            ["tool_inst_id", "path", "is_explicit", "memo", "run_id"],
            Query("SELECT name FROM pragma_table_info('Input') ORDER BY cid"));
    }

    [Fact]
    public void The_schema_in_docs_run_database_md_is_the_schema_created()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "run-database.md"));
        var start = docs.IndexOf("```sql\n", StringComparison.Ordinal) + "```sql\n".Length;
        var shown = docs[start..docs.IndexOf("```", start, StringComparison.Ordinal)];

        Assert.Equal(RunDatabase.Schema.TrimEnd(), shown.TrimEnd());
    }

    private static string RepositoryRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", ".."));

    // ---- kiln explain --------------------------------------------------------------------------------------

    [Fact]
    public void The_latest_run_filtered_by_a_path_finds_redos_by_their_inputs_description_and_reason()
    {
        using (var db = Open())
        {
            var a = db.LookUpInstance("T", Fp1, Fp1).InstanceId;
            var b = db.LookUpInstance("T", Fp2, Fp2).InstanceId;
            db.StoreTrace(a, NewTrace(new TracedInput("src/x.h/", false, Memo(1))), []);
            db.StoreTrace(b, NewTrace(), []);
            db.RecordRedo(a, "Compile(Source='src/a.c')", "redo necessary because not run before", 1, 1);
            db.RecordRedo(b, "Link(Out='out/app')", "redo necessary because of filesystem object: 'out/b.o'", 2, 1);
            db.FinishRun(10, 2, 2);
            db.Commit();
        }

        string[] Tools(string path, bool isDirectory = false) =>
            [.. RunDatabase.ReadLatestRun(DatabasePath, TreePath.Parse(path, isDirectory))!.Redos.Select(r => r.Tool)];
        Assert.Equal(["Compile(Source='src/a.c')"], Tools("src/x.h"));
        Assert.Equal(["Compile(Source='src/a.c')"], Tools("src/", true));
        Assert.Equal(["Link(Out='out/app')"], Tools("out/b.o"));
        Assert.Equal(["Link(Out='out/app')"], Tools("out/", true));
        Assert.Empty(Tools("src/x"));
        Assert.Equal(2, RunDatabase.ReadLatestRun(DatabasePath)!.Redos.Count);
        Assert.False(RunDatabase.ReadLatestRun(DatabasePath)!.Failed);
    }

    [Fact]
    public void The_latest_run_is_shown_even_when_it_failed()
    {
        using (var db = Open(startNs: 1000))
        {
            db.FinishRun(10, 0, 0);
            db.Commit();
        }
        using (var db = Open(startNs: 2000))
            db.Commit();

        var latest = RunDatabase.ReadLatestRun(DatabasePath)!;
        Assert.True(latest.Failed);
        Assert.Equal(2000, latest.StartNs);
    }

    // ---- output ownership ------------------------------------------------------------------------------------

    [Fact]
    public void Claiming_an_output_last_written_by_another_instance_marks_that_instance_and_commits()
    {
        using var db = Open();
        var a = db.LookUpInstance("T", Fp1, Fp1).InstanceId;
        var b = db.LookUpInstance("T", Fp2, Fp1).InstanceId;
        db.ClaimOutputs(a, [TreePath.Parse("out/x")]);
        db.StoreTrace(a, NewTrace(), []);
        db.ClaimOutputs(b, [TreePath.Parse("out/x")]);

        Assert.Equal("out/x", db.LoadTrace(a)!.OverwrittenOutput);
        // Visible to another connection before the run commits: a run killed during b's redo leaves a marked.
        Assert.Equal(["out/x"], Query($"SELECT overwritten_output FROM RedoState WHERE tool_inst_id={a}"));
        Assert.Equal([$"out/x/|{b}"], Query("SELECT path, tool_inst_id FROM OutputWriter"));
    }

    [Fact]
    public void Claiming_its_own_outputs_again_marks_nothing()
    {
        using var db = Open();
        var a = db.LookUpInstance("T", Fp1, Fp1).InstanceId;
        db.ClaimOutputs(a, [TreePath.Parse("out/x"), TreePath.Parse("out/d/", true)]);
        db.StoreTrace(a, NewTrace(), []);
        db.ClaimOutputs(a, [TreePath.Parse("out/x"), TreePath.Parse("out/d/", true)]);

        Assert.Null(db.LoadTrace(a)!.OverwrittenOutput);
        Assert.Null(db.LookUpInstance("T", Fp1, Fp1).Trace!.OverwrittenOutput);
    }

    [Fact]
    public void A_new_redo_of_the_marked_instance_clears_its_mark_and_marks_the_other()
    {
        using var db = Open();
        var a = db.LookUpInstance("T", Fp1, Fp1).InstanceId;
        var b = db.LookUpInstance("T", Fp2, Fp1).InstanceId;
        db.ClaimOutputs(a, [TreePath.Parse("out/x")]);
        db.StoreTrace(a, NewTrace(), []);
        db.ClaimOutputs(b, [TreePath.Parse("out/x")]);
        db.StoreTrace(b, NewTrace(), []);
        Assert.Equal("out/x", db.LookUpInstance("T", Fp1, Fp1).Trace!.OverwrittenOutput);

        db.ClaimOutputs(a, [TreePath.Parse("out/x")]);
        db.StoreTrace(a, NewTrace(), []);

        Assert.Null(db.LookUpInstance("T", Fp1, Fp1).Trace!.OverwrittenOutput);
        Assert.Equal("out/x", db.LookUpInstance("T", Fp2, Fp1).Trace!.OverwrittenOutput);
    }

    [Fact]
    public void Forgetting_an_instance_forgets_the_outputs_it_wrote()
    {
        using (var db = Open(startNs: 1000))
        {
            var a = db.LookUpInstance("T", Fp1, Fp1).InstanceId;
            db.ClaimOutputs(a, [TreePath.Parse("out/x")]);
            db.StoreTrace(a, NewTrace(), []);
            db.Commit();
        }
        using (var db = Open(startNs: 5000, forgetBeforeNs: 2000))
            db.Commit();

        Assert.Empty(Query("SELECT path FROM OutputWriter"));
    }

    [Fact]
    public void Each_open_registers_a_new_run()
    {
        long first;
        using (var db = Open(startNs: 1000))
        {
            first = db.RunId;
            db.Commit();
        }

        using var again = Open(startNs: 2000);

        Assert.True(again.RunId > first);
        Assert.Equal(DatabasePath, again.Path);
    }

    [Fact]
    public void A_second_open_sees_the_traces_committed_by_the_first()
    {
        var trace = new Trace(true, Env, Definition, [new TracedInput("a.c/", true, Memo(5)), new TracedInput("a.h/", false, null)]);
        long id;
        using (var db = Open())
        {
            id = db.LookUpInstance("t.cs:3|p", Fp1, Fp2).InstanceId;
            db.StoreTrace(id, trace, []);
            db.Commit();
        }

        using var again = Open(startNs: 2000);

        Assert.Equal(id, again.LookUpInstance("t.cs:3|p", Fp1, Fp2).InstanceId);
        AssertTraceEqual(trace, again.LoadTrace(id));
    }

    [Fact]
    public void Uncommitted_changes_are_lost()
    {
        long id;
        using (var db = Open())
        {
            db.Commit();
            id = db.LookUpInstance("t.cs:3|p", Fp1, Fp2).InstanceId;
            db.StoreTrace(id, NewTrace(), []);
        }

        using var again = Open(startNs: 2000);

        Assert.Null(again.LoadTrace(id));
    }

    [Fact]
    public void A_corrupt_file_is_a_run_database_error_that_says_how_to_reset()
    {
        File.WriteAllText(DatabasePath, "123");

        var e = Assert.Throws<RunDatabaseException>(() => Open());

        Assert.StartsWith($"could not setup run-database '{DatabasePath}'\n  | reason: ", e.Message);
        Assert.Contains($"rm -f '{DatabasePath}'*", e.Message, StringComparison.Ordinal);
        Assert.IsType<SqliteException>(e.InnerException);
    }

    [Fact]
    public void An_unknown_schema_version_is_a_clear_error()
    {
        using (var db = Open())
            db.Commit();
        Query("UPDATE Meta SET value='3' WHERE key='schema'");

        var e = Assert.Throws<RunDatabaseException>(() => Open());

        Assert.StartsWith($"could not setup run-database '{DatabasePath}'\n", e.Message);
        Assert.Contains("unknown schema version '3' (this Kiln knows version 2)", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_database_of_something_else_is_refused()
    {
        Query("CREATE TABLE Other(x)");

        var e = Assert.Throws<RunDatabaseException>(() => Open());

        Assert.Contains("not a Kiln run-database (unknown tables)", e.Message, StringComparison.Ordinal);
    }

    // ---- tool instances and traces --------------------------------------------------------------------------

    [Fact]
    public void Looking_up_an_instance_registers_it_once_per_tool_and_fingerprint()
    {
        using var db = Open();

        var a = db.LookUpInstance("t.cs:3|p", Fp1, Fp2).InstanceId;
        var again = db.LookUpInstance("t.cs:3|p", Fp1, Fp2).InstanceId;
        var otherFingerprint = db.LookUpInstance("t.cs:3|p", Fp2, Fp2).InstanceId;
        var otherTool = db.LookUpInstance("t.cs:4|p", Fp1, Fp2).InstanceId;

        Assert.Equal(a, again);
        Assert.Equal(3, new[] { a, otherFingerprint, otherTool }.Distinct().Count());
    }

    [Fact]
    public void An_instance_without_a_stored_trace_has_none()
    {
        using var db = Open();

        Assert.Null(db.LoadTrace(db.LookUpInstance("t", Fp1, Fp1).InstanceId));
        Assert.Null(db.LoadTrace(12345));
    }

    [Fact]
    public void A_stored_trace_is_loaded_as_stored()
    {
        using var db = Open();
        var id = db.LookUpInstance("t", Fp1, Fp1).InstanceId;
        var trace = new Trace(true, [1, 2, 3], [4, 5], [
            new TracedInput("src/a.c/", true, Memo(7)),
            new TracedInput("include/", true, FileMemo.Missing.Encode()),
            new TracedInput("a.h/", false, null),
        ]);

        db.StoreTrace(id, trace, []);

        AssertTraceEqual(trace, db.LoadTrace(id));
    }

    [Fact]
    public void Storing_a_trace_replaces_the_previous_one()
    {
        using var db = Open();
        var id = db.LookUpInstance("t", Fp1, Fp1).InstanceId;
        db.StoreTrace(id, new Trace(true, [1], [1], [new TracedInput("old/", false, Memo(1))]), []);
        var second = NewTrace(new TracedInput("new/", true, Memo(2)));

        db.StoreTrace(id, second, []);

        AssertTraceEqual(second, db.LoadTrace(id));
    }

    [Fact]
    public void A_modified_output_invalidates_exactly_the_inputs_under_it()
    {
        using var db = Open();
        var consumer = db.LookUpInstance("consumer", Fp1, Fp1).InstanceId;
        db.StoreTrace(consumer, NewTrace(
            new TracedInput("a/b/", true, Memo(1)),
            new TracedInput("a/b/c/", false, Memo(2)),
            new TracedInput("a/bc/", true, Memo(3)),
            new TracedInput("a/b0/", true, Memo(4)),
            new TracedInput("a/", true, Memo(5)),
            new TracedInput("x/a/b/", true, Memo(6))), []);
        var producer = db.LookUpInstance("producer", Fp1, Fp1).InstanceId;

        db.StoreTrace(producer, NewTrace(), [TreePath.Parse("a/b")]);

        var memos = db.LoadTrace(consumer)!.Inputs.ToDictionary(i => i.EncodedPath, i => Hex(i.Memo));
        Assert.Null(memos["a/b/"]);
        Assert.Null(memos["a/b/c/"]);
        Assert.Equal(Hex(Memo(3)), memos["a/bc/"]);
        Assert.Equal(Hex(Memo(4)), memos["a/b0/"]);
        Assert.Equal(Hex(Memo(5)), memos["a/"]);
        Assert.Equal(Hex(Memo(6)), memos["x/a/b/"]);
    }

    [Fact]
    public void A_modified_directory_output_invalidates_the_inputs_under_it()
    {
        using var db = Open();
        var consumer = db.LookUpInstance("consumer", Fp1, Fp1).InstanceId;
        db.StoreTrace(consumer, NewTrace(new TracedInput("d/e/", true, Memo(1)), new TracedInput("de/", true, Memo(2))), []);

        db.StoreTrace(db.LookUpInstance("producer", Fp1, Fp1).InstanceId, NewTrace(), [TreePath.Parse("d/")]);

        var memos = db.LoadTrace(consumer)!.Inputs.ToDictionary(i => i.EncodedPath, i => Hex(i.Memo));
        Assert.Null(memos["d/e/"]);
        Assert.NotNull(memos["de/"]);
    }

    [Fact]
    public void A_sibling_with_other_parameters_counts_only_with_a_known_redo()
    {
        using var db = Open();
        var first = db.LookUpInstance("t", Fp1, [9]).InstanceId;
        var second = db.LookUpInstance("t", Fp2, [9]).InstanceId;
        var otherDependencies = db.LookUpInstance("t", [3], [8]).InstanceId;

        Assert.False(db.HasSiblingWithOtherParameters("t", [9], second));
        db.StoreTrace(first, NewTrace(), []);

        Assert.True(db.HasSiblingWithOtherParameters("t", [9], second));
        Assert.False(db.HasSiblingWithOtherParameters("t", [9], first));
        Assert.False(db.HasSiblingWithOtherParameters("t", [8], otherDependencies));
        Assert.False(db.HasSiblingWithOtherParameters("u", [9], second));
    }

    // ---- runs -----------------------------------------------------------------------------------------------

    private void CompleteRun(long startNs, Action<RunDatabase>? work = null, bool finish = true)
    {
        using var db = Open(startNs);
        work?.Invoke(db);
        if (finish)
            db.FinishRun(durationNs: startNs / 10, instanceCount: 3, redoCount: 1);
        db.Commit();
    }

    [Fact]
    public void Traces_written_by_runs_older_than_the_dependency_age_are_forgotten()
    {
        long old = 0, fresh = 0;
        CompleteRun(100, db =>
        {
            old = db.LookUpInstance("old", Fp1, Fp1).InstanceId;
            db.StoreTrace(old, NewTrace(new TracedInput("a/", true, Memo(1))), []);
            fresh = db.LookUpInstance("fresh", Fp1, Fp1).InstanceId;
            db.StoreTrace(fresh, NewTrace(), []);
        });
        CompleteRun(600, db => db.StoreTrace(fresh, NewTrace(new TracedInput("b/", true, Memo(2))), []));

        using var now = Open(startNs: 1000, forgetBeforeNs: 500);

        Assert.Null(now.LoadTrace(old));
        Assert.NotNull(now.LoadTrace(fresh));
        Assert.Equal([600L], now.LatestRuns(10).Select(r => r.StartNs));
        now.Commit();
        Assert.Equal(["fresh"], Query("SELECT tool_key FROM ToolInst"));
        Assert.Equal(["b/"], Query("SELECT path FROM Input"));
    }

    [Fact]
    public void Runs_not_older_than_the_dependency_age_are_kept()
    {
        long id = 0;
        CompleteRun(100, db =>
        {
            id = db.LookUpInstance("t", Fp1, Fp1).InstanceId;
            db.StoreTrace(id, NewTrace(), []);
        });

        using var now = Open(startNs: 1000, forgetBeforeNs: 100);

        Assert.NotNull(now.LoadTrace(id));
    }

    [Fact]
    public void LatestRuns_are_the_latest_successful_earlier_runs_oldest_first()
    {
        CompleteRun(100);
        CompleteRun(200, finish: false);
        CompleteRun(300);
        CompleteRun(400);

        using var db = Open(startNs: 500);
        db.FinishRun(1, 1, 1);

        Assert.Equal([new RunSummary(100, 10, 3, 1), new RunSummary(300, 30, 3, 1), new RunSummary(400, 40, 3, 1)], db.LatestRuns(10));
        Assert.Equal([300L, 400L], db.LatestRuns(2).Select(r => r.StartNs));
    }

    [Fact]
    public void The_redos_of_a_run_are_returned_in_start_order()
    {
        var db = Open();
        var id = db.LookUpInstance("t", Fp1, Fp1).InstanceId;

        db.RecordRedo(id, "B()", "redo necessary because not run before", 20, 5);
        db.RecordRedo(id, "A()", "redo requested by start()", 10, -1);
        db.Commit();

        // Read as kiln explain reads them, beside the open run.
        Assert.Equal(
            [new RedoRecord(db.RunId, "A()", "redo requested by start()", 10, -1), new RedoRecord(db.RunId, "B()", "redo necessary because not run before", 20, 5)],
            RunDatabase.ReadLatestRun(DatabasePath)!.Redos);
        db.Dispose();
        using var next = Open(startNs: 2000);
        next.Commit();
        Assert.Empty(RunDatabase.ReadLatestRun(DatabasePath)!.Redos);
    }

    [Fact]
    public void Many_stores_are_committed_on_the_way()
    {
        long id;
        using (var db = Open())
        {
            id = db.LookUpInstance("t", Fp1, Fp1).InstanceId;
            var inputs = Enumerable.Range(0, 2100).Select(i => new TracedInput($"f{i}/", true, Memo(i))).ToArray();
            db.StoreTrace(id, NewTrace(inputs), []);
        }

        using var again = Open(startNs: 2000);

        Assert.Equal(2100, again.LoadTrace(id)?.Inputs.Count);
    }

    // ---- path encoding --------------------------------------------------------------------------------------

    [Theory]
    [InlineData("a/b", "a/b/")]
    [InlineData("a/b/", "a/b/")]
    [InlineData("a", "a/")]
    [InlineData(".", "")]
    public void EncodePath_appends_a_slash(string path, string encoded)
    {
        Assert.Equal(encoded, RunDatabase.EncodePath(TreePath.Parse(path)));
    }

    [Theory]
    [InlineData("a/b/", "a/b")]
    [InlineData("a/", "a")]
    [InlineData(".kiln/t/a/", ".kiln/t/a")]
    public void DecodePath_gives_a_non_directory_path(string encoded, string path)
    {
        var decoded = RunDatabase.DecodePath(encoded);

        Assert.Equal(TreePath.Parse(path), decoded);
        Assert.False(decoded!.IsDirectory);
    }

    [Theory]
    [InlineData("")]
    [InlineData("/")]
    [InlineData("a")]
    [InlineData("/a/")]
    [InlineData("a//b/")]
    [InlineData("a/../b/")]
    [InlineData("../a/")]
    [InlineData("a/./b/")]
    [InlineData("./a/")]
    [InlineData("a\0/")]
    [InlineData("./")]
    [InlineData("../")]
    [InlineData("a/../")]
    [InlineData("a/./")]
    public void DecodePath_rejects_malformed_values(string encoded)
    {
        Assert.Null(RunDatabase.DecodePath(encoded));
    }
}
