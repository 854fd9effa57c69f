namespace Kiln.Scenarios.Tests;

/// <summary>
/// dlb-spec §11.1 cases 20–22 (dlb's <c>test_ex_tool_run.py</c>): dependencies that are invalid when a tool
/// instance is started, and obstructive outputs. Role names are Kiln's property names (dlb: snake_case).
/// </summary>
public sealed class DependencyErrorScenarioTests : IDisposable
{
    private readonly WorkingTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    private string StartFails<T>(T tool) where T : Kiln.Tools.Tool<T>
    {
        using (_tree.Enter())
            return Assert.Throws<DependencyException>(() => tool.Start()).Message;
    }

    // Case 20 (a).
    [Fact]
    public void A_missing_explicit_input_fails_the_start()
    {
        Assert.Equal(
            "input dependency 'SourceFile' contains a path of a non-existent filesystem object: 'src/a.cpp'",
            StartFails(new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }));
    }

    // Not in dlb's cases: the ordering trap — an object path passed to the link before its compile finished.
    [Fact]
    public void A_missing_input_that_a_redo_of_this_run_is_writing_names_that_redo_and_the_fix()
    {
        _tree.Write("src/a.c", "int a;");
        string message;
        using (var gate = new ManualResetEventSlim())
        {
            GatedCompileTool.Gate = gate;
            try
            {
                using (_tree.Enter(maxParallelRedoCount: 2))
                {
                    new GatedCompileTool { SourceFile = "src/a.c", ObjectFile = "out/a.o" }.Start();
                    try
                    {
                        message = Assert.Throws<DependencyException>(() => new LinkTool { ObjectFiles = ["out/a.o"], ApplicationFile = "out/app" }.Start()).Message;
                    }
                    finally
                    {
                        gate.Set();
                    }
                }
            }
            finally
            {
                GatedCompileTool.Gate = null;
            }
        }

        Assert.Equal(
            "input dependency 'ObjectFiles' contains a path of a non-existent filesystem object: 'out/a.o'\n" +
            "  | it is an output of a redo started in this run and not finished yet: GatedCompileTool(SourceFile='src/a.c', ObjectFile='out/a.o')\n" +
            "  | a start returns at once: pass that run's result instead of the path (e.g. 'compiled.Result.ObjectFile', which waits for it), or await 'compiled.CompleteAsync()' first",
            message);
    }

    // Not in dlb's cases: an instance whose start fails is neither a redo nor up to date, so the run's summary must not
    // count it (it printed "1 up to date" for the failed start).
    [Fact]
    public void A_start_that_fails_is_not_counted_as_a_tool_instance_of_the_run()
    {
        Kiln.Store.RunSummary? summary = null;
        var configuration = new Configuration { Log = _tree.Configuration.Log, RunCompleted = s => summary = s };
        using (_tree.Enter(configuration))
            Assert.Throws<DependencyException>(() => new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }.Start());
        Assert.NotNull(summary);
        Assert.Equal(0, summary.ToolInstanceCount);
    }

    // Case 20 (b).
    [Fact]
    public void An_output_that_is_also_an_input_fails_the_start()
    {
        _tree.Write("a.cpp", "a");
        Assert.Equal(
            "output dependency 'ObjectFile' contains a path that is also an explicit input dependency: 'a.cpp'",
            StartFails(new ATool { SourceFile = "a.cpp", ObjectFile = "a.cpp" }));
        Assert.Equal("a", _tree.Read("a.cpp"));
    }

    // Case 20 (c).
    [Fact]
    public void One_path_in_two_output_roles_fails_the_start()
    {
        Assert.Equal(
            "output dependencies 'ObjectFile' and 'LogFiles' both contain the same path: 'o'",
            StartFails(new TwoOutputTool { ObjectFile = "o", LogFiles = ["o"] }));
    }

    // Case 20 (d).
    [Fact]
    public void An_upwards_output_path_fails_the_start()
    {
        _tree.Write("src/a.cpp", "a");
        Assert.Equal(
            "output dependency 'ObjectFile' contains a path that is not a managed tree path: '../a.o'\n  | reason: is an upwards path: '../a.o'",
            StartFails(new ATool { SourceFile = "src/a.cpp", ObjectFile = "../a.o" }));
    }

    // Case 21.
    [Fact]
    public void A_directory_given_as_a_regular_file_input_fails_the_start()
    {
        _tree.Write("src/a.cpp", "a");
        Assert.Equal(
            "input dependency 'SourceFile' contains an invalid path: 'src'\n  | reason: filesystem object exists but is not a regular file",
            StartFails(new ATool { SourceFile = "src", ObjectFile = "a.o" }));
    }

    // Case 21.
    [Fact]
    public void A_regular_file_given_as_a_directory_input_fails_the_start()
    {
        _tree.Write("src/a.cpp", "a");
        Assert.Equal(
            "input dependency 'IncludeDirectories' contains an invalid path: 'src/a.cpp/'\n  | reason: filesystem object exists but is not a directory",
            StartFails(new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o", IncludeDirectories = ["src/a.cpp/"] }));
    }

    // dlb: paths into the management tree are rejected.
    [Fact]
    public void An_input_in_the_management_tree_fails_the_start()
    {
        _tree.Write(".kiln/z", "user's");
        Assert.Equal(
            "input dependency 'SourceFile' contains an invalid path: '.kiln/z'\n  | reason: path in non-permitted part of the working tree: '.kiln/z'",
            StartFails(new ATool { SourceFile = ".kiln/z", ObjectFile = "a.o" }));
    }

    [Fact]
    public void An_output_in_the_management_tree_fails_the_start()
    {
        _tree.Write("src/a.cpp", "a");
        Assert.Equal(
            "output dependency 'ObjectFile' contains a path that is not a managed tree path: '.kiln/t/a.o'\n  | reason: path in non-permitted part of the working tree: '.kiln/t/a.o'",
            StartFails(new ATool { SourceFile = "src/a.cpp", ObjectFile = ".kiln/t/a.o" }));
    }

    [Fact]
    public void A_duplicate_path_in_a_list_role_fails_the_start()
    {
        _tree.Write("src/a.cpp", "a");
        Directory.CreateDirectory(_tree.PathOf("i"));
        Assert.Equal(
            "value for dependency role 'IncludeDirectories' is invalid\n  | reason: iterable must be duplicate-free but contains 'i/' more than once",
            StartFails(new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o", IncludeDirectories = ["i/", "i/"] }));
    }

    // dlb: ExecutionParameterError at start().
    [Fact]
    public void An_execution_parameter_that_is_not_fundamental_fails_the_start()
    {
        using (_tree.Enter())
        {
            var e = Assert.Throws<Kiln.Tools.ToolDefinitionException>(() => new ParameterTool { Value = new Uri("https://example.org") }.Start());
            Assert.StartsWith("invalid tool class 'ParameterTool': execution parameter 'Value' has a value of type ", e.Message);
            Assert.Contains("which is not fundamental\n", e.Message);
            Assert.True(new ParameterTool { Value = new Dictionary<string, int[]> { ["x"] = [1, 2] } }.Start());
        }
    }

    [Fact]
    public void A_list_role_with_too_few_members_fails_the_start()
    {
        Assert.Equal(
            "value for dependency role 'ObjectFiles' is invalid\n  | reason: value has 0 members, which is not accepted according to the specified multiplicity [1:]",
            StartFails(new LinkTool { ObjectFiles = [], ApplicationFile = "app" }));
    }

    // Case 22.
    [Fact]
    public void Obstructive_outputs_are_removed_before_the_redo_and_kept_when_no_redo_is_needed()
    {
        _tree.Write("src/a.cpp", "a");
        _tree.Write("d", "obstructs a directory output");
        _tree.Write("a.o/x", "obstructs a regular file output");
        var t = new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o", DummyDir = "d/" };
        using (_tree.Enter())
            Assert.True(t.Start());
        Assert.Equal("a", _tree.Read("a.o"));
        Assert.True(Directory.Exists(_tree.PathOf("d")));

        _tree.Write("d/kept", "k");
        using (_tree.Enter())
            Assert.False(t.Start());
        Assert.Equal("k", _tree.Read("d/kept"));
        Assert.Equal("a", _tree.Read("a.o"));
    }
}

/// <summary>A compile whose redo waits for a test's gate before it writes its object.</summary>
public sealed class GatedCompileTool : Kiln.Tools.Tool<GatedCompileTool>
{
    /// <summary>The gate the next redo waits for (a test's hook; null: no wait).</summary>
    public static ManualResetEventSlim? Gate { get; set; }

    [Kiln.Tools.Input.RegularFile] public required Kiln.Paths.TreePath SourceFile { get; init; }
    [Kiln.Tools.Output.RegularFile] public required Kiln.Paths.TreePath ObjectFile { get; init; }

    protected override async Task<bool> RedoAsync(GatedCompileTool result, Kiln.Tools.RedoContext context)
    {
        Gate?.Wait(TimeSpan.FromSeconds(30));
        using var temporary = context.Temporary();
        await File.WriteAllTextAsync(context.NativePathOf(temporary.Path), "object");
        context.ReplaceOutput(ObjectFile, temporary.Path);
        return false;
    }
}
