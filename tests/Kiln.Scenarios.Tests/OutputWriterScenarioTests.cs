using Kiln.Paths;
using Kiln.Tools;
using Microsoft.Data.Sqlite;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// Outputs written by one tool instance and then by another (issue 13 §1): an option changed and changed back, two
/// instances swapping an output, an instance removed and re-added. The instance whose output another has since
/// written is redone, as make (with <c>$(OBJ): makefile</c>) and ninja (command hash per output) rebuild.
/// </summary>
public sealed class OutputWriterScenarioTests : IDisposable
{
    private readonly WorkingTreeFixture _tree = new();

    public OutputWriterScenarioTests() => _tree.Write("src/a.c", "int a;");

    public void Dispose() => _tree.Dispose();

    private StartedRun<CompileTool> Compile(string flavor, string obj = "out/a.o")
    {
        using (_tree.Enter())
        {
            var run = new CompileTool { SourceFile = "src/a.c", ObjectFile = TreePath.Parse(obj), Flavor = flavor }.Start();
            run.Complete();
            return run;
        }
    }

    [Fact]
    public void An_option_changed_and_changed_back_redoes_the_revived_instance_because_another_wrote_its_output()
    {
        Assert.True(Compile("").IsRedo);
        Assert.Equal("redo necessary because execution parameters have changed", Compile("fast").Reason?.Summary);
        Assert.Equal("object of src/a.c (fast)\nint a;\n", _tree.Read("out/a.o"));

        var back = Compile("");

        Assert.Equal("redo necessary because output was last written by another tool instance: 'out/a.o'", back.Reason?.Summary);
        Assert.Equal("object of src/a.c\nint a;\n", _tree.Read("out/a.o"));
        Assert.False(Compile("").IsRedo);
        Assert.Equal("redo necessary because output was last written by another tool instance: 'out/a.o'", Compile("fast").Reason?.Summary);
    }

    [Fact]
    public void An_instance_removed_and_re_added_is_up_to_date_when_no_other_wrote_its_output()
    {
        Compile("");
        using (_tree.Enter())
        {
            // The compile is removed from the script: nothing writes out/a.o.
        }

        Assert.False(Compile("").IsRedo);
    }

    [Fact]
    public void Two_instances_that_swap_their_outputs_and_swap_back_are_redone_each_time()
    {
        _tree.Write("src/b.c", "int b;");
        void Build(bool swapped, bool expectRedos)
        {
            using (_tree.Enter())
            {
                var a = new CompileTool { SourceFile = "src/a.c", ObjectFile = swapped ? "out/b.o" : "out/a.o" }.Start();
                var b = new CompileTool { SourceFile = "src/b.c", ObjectFile = swapped ? "out/a.o" : "out/b.o" }.Start();
                Assert.Equal(expectRedos, a.IsRedo);
                Assert.Equal(expectRedos, b.IsRedo);
            }
        }

        Build(swapped: false, expectRedos: true);
        Build(swapped: true, expectRedos: true);
        Build(swapped: false, expectRedos: true);

        Assert.StartsWith("object of src/a.c\n", _tree.Read("out/a.o"), StringComparison.Ordinal);
        Assert.StartsWith("object of src/b.c\n", _tree.Read("out/b.o"), StringComparison.Ordinal);
        Build(swapped: false, expectRedos: false);
    }

    [Fact]
    public void A_hand_edit_of_an_output_does_not_count_as_another_instance_writing_it()
    {
        Compile("");
        File.WriteAllText(_tree.PathOf("out/a.o"), "edited by hand");

        Assert.False(Compile("").IsRedo);
        Assert.Equal("edited by hand", _tree.Read("out/a.o"));
    }

    [Fact]
    public void The_other_instance_is_marked_in_the_run_database_before_the_redo_writes_the_output()
    {
        Compile("");
        string? markSeenDuringRedo = null;
        ObservingCompileTool.DuringRedo = () => markSeenDuringRedo = ReadMarks();
        try
        {
            using (_tree.Enter())
                new ObservingCompileTool { SourceFile = "src/a.c", ObjectFile = "out/a.o" }.Start().Complete();
        }
        finally
        {
            ObservingCompileTool.DuringRedo = null;
        }

        // Committed, so that a run killed during the redo (after it wrote out/a.o) still redoes the CompileTool.
        Assert.Equal("out/a.o", markSeenDuringRedo);
        Assert.Equal("redo necessary because output was last written by another tool instance: 'out/a.o'", Compile("").Reason?.Summary);
    }

    private string ReadMarks()
    {
        using var connection = new SqliteConnection($"Data Source={_tree.PathOf(".kiln/runs-2.sqlite")};Mode=ReadOnly;Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT group_concat(overwritten_output) FROM RedoState WHERE overwritten_output IS NOT NULL";
        return command.ExecuteScalar() as string ?? "";
    }
}

/// <summary>A compile of another tool type that runs a test's observation at the start of its redo.</summary>
public sealed class ObservingCompileTool : Tool<ObservingCompileTool>
{
    /// <summary>Run at the start of each redo (a test's hook; null when unused).</summary>
    public static Action? DuringRedo { get; set; }

    [Input.RegularFile] public required TreePath SourceFile { get; init; }
    [Output.RegularFile(ReplaceBySameContent = false)] public required TreePath ObjectFile { get; init; }

    protected override async Task<bool> RedoAsync(ObservingCompileTool result, RedoContext context)
    {
        DuringRedo?.Invoke();
        using var temporary = context.Temporary();
        await File.WriteAllTextAsync(context.NativePathOf(temporary.Path), "observed " + await File.ReadAllTextAsync(context.NativePathOf(SourceFile)));
        context.ReplaceOutput(ObjectFile, temporary.Path);
        return false;
    }
}
