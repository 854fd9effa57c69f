using System.Text.Json;
using Kiln.Tools;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// The configuration record (<c>.kiln/configuration-1.json</c>) written by root contexts on real temporary trees, with the
/// script facts a host would give (<see cref="ScriptFacts"/>).
/// </summary>
public sealed class ConfigurationRecordScenarioTests : IDisposable
{
    private readonly WorkingTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    private string RecordPath => _tree.PathOf(".kiln/" + ConfigurationRecord.FileName);

    private ConfigurationRecord NewRecord(params string[] reasons)
    {
        _tree.Write("build.cs", "// the script\n");
        var record = new ConfigurationRecord(ScriptFacts.Of([_tree.PathOf("build.cs")], [], ["build.cs", "--fast"], _tree.Root, reasons));
        _tree.Configuration.Record = record;
        return record;
    }

    private JsonElement ReadRecord() => JsonDocument.Parse(File.ReadAllText(RecordPath)).RootElement;

    [Fact]
    public void A_successful_run_records_the_script_its_arguments_environment_reads_listings_and_started_instances()
    {
        NewRecord();
        _tree.Write("src/a.c", "");
        _tree.Write("VERSION", "1.0\n");
        Environment.SetEnvironmentVariable("KILN_RECORD_TEST_SET", "yes");
        Environment.SetEnvironmentVariable("KILN_RECORD_TEST_UNSET", null);
        long instance;
        using (_tree.Enter())
        {
            Context.Active.Env.ImportFromOuter("KILN_RECORD_TEST_SET", ".*", "");
            Context.Active.Env.ImportFromOuter("KILN_RECORD_TEST_UNSET", ".*", "");
            Sources.Glob("src/**/*.c", exclude: ["src/x.c"]);
            Assert.Equal("1.0\n", Sources.ReadAllText("VERSION"));
            instance = new Copy { Source = "VERSION", Destination = "build/VERSION" }.Start().InstanceId;
        }
        var r = ReadRecord();
        Assert.Equal(1, r.GetProperty("format").GetInt32());
        Assert.Equal(["build.cs", "--fast"], r.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(_tree.PathOf("build.cs"), r.GetProperty("scripts")[0].GetProperty("path").GetString());
        Assert.Equal(Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData("// the script\n"u8)), r.GetProperty("scripts")[0].GetProperty("sha256").GetString());
        Assert.True(r.GetProperty("scripts")[0].GetProperty("racy").GetBoolean());
        Assert.Equal(typeof(Context).Assembly.ManifestModule.ModuleVersionId.ToString(), r.GetProperty("kiln").GetProperty("mvid").GetString());
        var env = r.GetProperty("environment");
        Assert.Equal("yes", env.GetProperty("KILN_RECORD_TEST_SET").GetString());
        Assert.Equal(JsonValueKind.Null, env.GetProperty("KILN_RECORD_TEST_UNSET").ValueKind);
        Assert.True(env.TryGetProperty("PATH", out _));
        var listing = r.GetProperty("listings")[0];
        Assert.Equal("glob", listing.GetProperty("kind").GetString());
        Assert.Equal("src/**/*.c", listing.GetProperty("pattern").GetString());
        Assert.Equal(["src/x.c"], listing.GetProperty("exclude").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(1, listing.GetProperty("count").GetInt32());
        Assert.Equal(_tree.PathOf("VERSION"), r.GetProperty("reads")[0].GetProperty("path").GetString());
        Assert.Equal([instance], r.GetProperty("toolInstances").EnumerateArray().Select(i => i.GetInt64()));
        Assert.Equal(1, r.GetProperty("rootContexts").GetInt32());
        Assert.True(r.GetProperty("replayable").GetBoolean());
        Assert.False(File.Exists(RecordPath + ".tmp"));
    }

    [Fact]
    public void A_listing_hash_changes_when_a_file_is_added_to_the_listed_directory()
    {
        _tree.Write("src/a.c", "");
        string Listed()
        {
            NewRecord();
            using (_tree.Enter())
            {
                Sources.Glob("src/*.c");
                Sources.List("src/");
            }
            var listings = ReadRecord().GetProperty("listings");
            return listings[0].GetProperty("sha256").GetString() + " " + listings[1].GetProperty("sha256").GetString();
        }
        var before = Listed();
        Assert.Equal(before, Listed());
        _tree.Write("src/b.c", "");
        var after = Listed();
        Assert.NotEqual(before.Split(' ')[0], after.Split(' ')[0]);
        Assert.NotEqual(before.Split(' ')[1], after.Split(' ')[1]);
    }

    [Fact]
    public void A_failed_run_leaves_no_record_and_a_later_root_context_of_the_same_script_writes_none()
    {
        NewRecord();
        using (_tree.Enter())
        {
        }
        Assert.True(File.Exists(RecordPath));
        void FailingRun()
        {
            using (_tree.Enter())
                throw new InvalidOperationException("the script failed");
        }
        Assert.Throws<InvalidOperationException>(FailingRun);
        Assert.False(File.Exists(RecordPath));
        using (_tree.Enter())
        {
        }
        Assert.False(File.Exists(RecordPath));
    }

    [Fact]
    public void Root_contexts_of_one_script_run_add_up_and_a_discarded_record_is_removed()
    {
        var record = NewRecord("build.cs(3,1): not replayable: System.IO.File.ReadAllText reads a file outside a redo; use Sources.ReadAllText");
        using (_tree.Enter())
            Sources.List("./");
        using (_tree.Enter())
            Sources.List("./");
        var r = ReadRecord();
        Assert.Equal(2, r.GetProperty("rootContexts").GetInt32());
        Assert.Equal(2, r.GetProperty("listings").GetArrayLength());
        Assert.False(r.GetProperty("replayable").GetBoolean());
        Assert.Single(r.GetProperty("reasons").EnumerateArray());
        record.Discard();
        Assert.False(File.Exists(RecordPath));
    }

    [Fact]
    public void What_a_redo_lists_or_reads_is_not_recorded()
    {
        NewRecord();
        _tree.Write("VERSION", "1\n");
        using (_tree.Enter())
            new ListingCopy { Source = "VERSION", Destination = "build/VERSION" }.Start();
        var r = ReadRecord();
        Assert.Equal(0, r.GetProperty("listings").GetArrayLength());
        Assert.Equal(0, r.GetProperty("reads").GetArrayLength());
    }

    [Fact]
    public void A_run_without_a_record_of_its_own_removes_the_last_one()
    {
        NewRecord();
        using (_tree.Enter())
            Sources.List("./");
        Assert.True(File.Exists(RecordPath));
        _tree.Configuration.Record = null;
        using (_tree.Enter())
        {
        }
        Assert.False(File.Exists(RecordPath));
    }

    [Fact]
    public void The_record_gives_each_started_instance_its_outputs_and_stored_inputs_and_what_makes_it_due()
    {
        NewRecord();
        _tree.Write("VERSION", "1\n");
        _tree.Write("src/a.c", "");
        long copy, again;
        using (_tree.Enter())
        {
            Sources.Glob("src/*.c");
            copy = new Copy { Source = "VERSION", Destination = "build/VERSION" }.Start().InstanceId;
            // Overwrites build/VERSION: the first instance is due at its next start (its output was written by another).
            again = new Copy { Source = "src/a.c", Destination = "build/VERSION" }.Start().InstanceId;
        }
        var r = ReadRecord();
        var instances = r.GetProperty("instances").EnumerateArray().ToList();
        Assert.Equal([copy, again], instances.Select(i => i.GetProperty("id").GetInt64()));
        var first = instances[0];
        Assert.Equal(_tree.PathOf("build/VERSION"), first.GetProperty("outputs")[0].GetProperty("path").GetString());
        Assert.Equal((int)Kiln.Paths.FileKind.RegularFile, first.GetProperty("outputs")[0].GetProperty("kind").GetInt32());
        var input = first.GetProperty("inputs")[0];
        Assert.Equal(_tree.PathOf("VERSION"), input.GetProperty("path").GetString());
        Assert.Equal(Kiln.WorkingTree.PosixFileSystem.Instance.Lstat(_tree.PathOf("VERSION")).Encode(), input.GetProperty("state").GetBytesFromBase64());
        Assert.Contains("was written by another tool instance", first.GetProperty("pending").GetString(), StringComparison.Ordinal);
        Assert.False(instances[1].TryGetProperty("pending", out _));

        var directory = r.GetProperty("directories")[0];
        Assert.Equal(_tree.PathOf("src/"), directory.GetProperty("path").GetString());
        Assert.Equal(Kiln.Platform.Replay.DirectoryEntries.HashOf(_tree.PathOf("src/")), directory.GetProperty("entries").GetString());
        Assert.Equal(1, r.GetProperty("runs").GetArrayLength());
        Assert.Equal(2, r.GetProperty("runs")[0].GetProperty("instanceCount").GetInt32());
        Assert.True(r.GetProperty("validUntilNs").GetInt64() > r.GetProperty("startNs").GetInt64());
        Assert.NotNull(r.GetProperty("runDatabase").GetProperty("file").GetString());
    }

    [Fact]
    public void Without_a_record_in_the_configuration_nothing_is_written()
    {
        using (_tree.Enter())
            Sources.List("./");
        Assert.False(File.Exists(RecordPath));
    }

    public sealed class Copy : Tool<Copy>
    {
        [Input.RegularFile] public required Kiln.Paths.TreePath Source { get; init; }

        [Output.RegularFile] public required Kiln.Paths.TreePath Destination { get; init; }

        protected override async Task<bool> RedoAsync(Copy result, RedoContext context)
        {
            using var t = context.Temporary();
            await File.WriteAllBytesAsync(context.NativePathOf(t.Path), await File.ReadAllBytesAsync(context.NativePathOf(Source)));
            context.ReplaceOutput(Destination, t.Path);
            return false;
        }
    }

    /// <summary>Lists and reads through <see cref="Sources"/> in its redo.</summary>
    public sealed class ListingCopy : Tool<ListingCopy>
    {
        [Input.RegularFile] public required Kiln.Paths.TreePath Source { get; init; }

        [Output.RegularFile] public required Kiln.Paths.TreePath Destination { get; init; }

        protected override async Task<bool> RedoAsync(ListingCopy result, RedoContext context)
        {
            Sources.List("./");
            var text = Sources.ReadAllText(Source);
            using var t = context.Temporary();
            await File.WriteAllTextAsync(context.NativePathOf(t.Path), text);
            context.ReplaceOutput(Destination, t.Path);
            return false;
        }
    }
}
