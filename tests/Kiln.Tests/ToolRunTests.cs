using Kiln.Paths;
using Kiln.Scheduling;
using Kiln.Tests.Fakes;
using Kiln.Tools;

namespace Kiln.Tests;

/// <summary>
/// A compiler on the fakes: runs helper <c>cc</c> (scripted in <see cref="ToolRunTests"/>), then reads the
/// dependency file the helper wrote and declares what it lists as non-explicit inputs, as the contrib compilers do.
/// </summary>
public sealed class FakeCompile : Tool<FakeCompile>
{
    public const string LanguageVariable = "KILN_FAKE_LANG";

    [Input.RegularFile] public required TreePath SourceFile { get; init; }
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }
    [ExecutionParameter] public string Options { get; init; } = "-O0";
    [Input.RegularFile(Explicit = false)] public IReadOnlyList<TreePath>? IncludedFiles { get; set; }
    [Input.EnvVar(LanguageVariable, Pattern = ".+", Example = "C", Explicit = false, Required = false)] public EnvVarValue? Language { get; set; }

    protected override async Task<bool> RedoAsync(FakeCompile result, RedoContext context)
    {
        using var depfile = context.Temporary(".d");
        await context.RunHelperAsync("cc", [Options, SourceFile, "-o", ObjectFile, "-MF", depfile.Path]);
        var fs = ((EngineRedoContext)context).FileSystem;
        var text = System.Text.Encoding.UTF8.GetString(fs.ReadAllBytes(context.NativePathOf(depfile.Path)));
        result.IncludedFiles = [.. text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(p => TreePath.Parse(p))];
        return false;
    }
}

/// <summary>
/// The engine's decision paths with a whole <see cref="Context"/> on the fakes (<see cref="FakeWorkingTree"/>): build,
/// edit, build again, assert the exact redos and their reasons, in milliseconds. The same paths on real working trees:
/// tests/Kiln.Scenarios.Tests.
/// </summary>
public sealed partial class ToolRunTests : IDisposable
{
    private readonly FakeWorkingTree _tree = new();
    private bool _compilerFails;

    public ToolRunTests()
    {
        // A preprocessor and compiler in one: the object is the source with each '#include <path>' line replaced by
        // that file's content; the dependency file lists the included paths. While _compilerFails, it fails.
        _tree.ProcessRunner.On(_ => _compilerFails, _ => new ProcessResult(1, "", "a.c:2: error: c2"));
        _tree.ProcessRunner.On("cc", effect: start =>
        {
            var cwd = start.WorkingDirectory;
            var source = _tree.FileSystem.ReadText(Path.Combine(cwd, start.Arguments[1]));
            var included = source.Split('\n').Where(l => l.StartsWith("#include ", StringComparison.Ordinal)).Select(l => l["#include ".Length..]).ToList();
            var content = string.Concat(source.Split('\n').Select(l => l.StartsWith("#include ", StringComparison.Ordinal) ? _tree.Read(l["#include ".Length..]) : l));
            _tree.FileSystem.AddFile(Path.GetFullPath(Path.Combine(cwd, start.Arguments[3])), start.Arguments[0] + ":" + content);
            _tree.FileSystem.AddFile(Path.GetFullPath(Path.Combine(cwd, start.Arguments[5])), string.Join('\n', included));
        });
        _tree.Write("src/a.h", "h1");
        _tree.Write("src/a.c", "#include src/a.h\nc1");
    }

    public void Dispose() => _tree.Dispose();

    private static FakeCompile Compile(string options = "-O0") => new() { SourceFile = "src/a.c", ObjectFile = "a.o", Options = options };

    /// <summary>Starts each tool in one root context and returns each start's reason (null: up to date).</summary>
    private string?[] Run(params FakeCompile[] tools)
    {
        using var context = _tree.Enter();
        return [.. tools.Select(t => t.Start().Reason?.ToString())];
    }

    private int CompilerRuns => _tree.ProcessRunner.Starts.Count;

    [Fact]
    public void The_first_run_redoes_an_instance_because_its_output_does_not_exist_yet()
    {
        // Outputs are checked first (dlb's order): "not run before" is said only of an instance whose outputs exist.
        Assert.Equal(["redo necessary because of filesystem object: 'a.o' (reason: does not exist)"], Run(Compile()));
        Assert.Equal("-O0:h1c1", _tree.Read("a.o"));
        var start = Assert.Single(_tree.ProcessRunner.Starts);
        Assert.Equal(["-O0", "./src/a.c", "-o", "./a.o", "-MF"], start.Arguments.Take(5));
        Assert.Equal(FakeWorkingTree.Root, start.WorkingDirectory);
    }

    [Fact]
    public void An_instance_whose_outputs_exist_and_that_was_never_run_is_redone_because_not_run_before()
    {
        _tree.Write("a.o", "stale");

        Assert.Equal(["redo necessary because not run before"], Run(Compile()));
        Assert.Equal("-O0:h1c1", _tree.Read("a.o"));
    }

    [Fact]
    public void A_run_with_nothing_changed_redoes_nothing_and_runs_no_helper()
    {
        Run(Compile());

        Assert.Equal([null], Run(Compile()));
        Assert.Equal(1, CompilerRuns);
    }

    [Fact]
    public void A_changed_explicit_input_causes_a_redo_naming_it()
    {
        Run(Compile());
        _tree.Write("src/a.c", "#include src/a.h\nc2");

        Assert.Equal(["redo necessary because of filesystem object: 'src/a.c' (reason: mtime has changed)"], Run(Compile()));
        Assert.Equal("-O0:h1c2", _tree.Read("a.o"));
        Assert.Equal([null], Run(Compile()));
    }

    [Fact]
    public void A_missing_output_causes_a_redo_that_recreates_it()
    {
        Run(Compile());
        _tree.FileSystem.Delete(FakeWorkingTree.Root + "a.o");

        Assert.Equal(["redo necessary because of filesystem object: 'a.o' (reason: does not exist)"], Run(Compile()));
        Assert.Equal("-O0:h1c1", _tree.Read("a.o"));
    }

    [Fact]
    public void A_changed_execution_parameter_is_another_instance_redone_because_parameters_changed()
    {
        Run(Compile());

        Assert.Equal(["redo necessary because execution parameters have changed"], Run(Compile("-O2")));
        Assert.Equal("-O2:h1c1", _tree.Read("a.o"));
    }

    [Fact]
    public void A_changed_input_named_only_by_the_dependency_file_causes_a_redo_naming_it()
    {
        Run(Compile());
        Assert.Equal([null], Run(Compile()));
        _tree.Write("src/a.h", "h2");

        Assert.Equal(["redo necessary because of filesystem object: 'src/a.h' (reason: mtime has changed)"], Run(Compile()));
        Assert.Equal("-O0:h2c1", _tree.Read("a.o"));
        Assert.Equal([null], Run(Compile()));
    }

    [Fact]
    public void A_failed_redo_fails_the_run_and_keeps_the_previous_trace_so_the_next_run_redoes_it_for_the_same_reason()
    {
        Run(Compile());
        _tree.Write("src/a.c", "#include src/a.h\nc2");
        _compilerFails = true;

        var e = Assert.Throws<HelperExecutionException>(() => Run(Compile()));

        Assert.Contains("a.c:2: error: c2", e.Message, StringComparison.Ordinal);
        Assert.Equal("-O0:h1c1", _tree.Read("a.o"));
        _compilerFails = false;
        Assert.Equal(["redo necessary because of filesystem object: 'src/a.c' (reason: mtime has changed)"], Run(Compile()));
        Assert.Equal("-O0:h1c2", _tree.Read("a.o"));
    }

    [Fact]
    public void An_instance_whose_output_another_instance_wrote_is_redone_when_started_again()
    {
        Run(Compile("-O1"));
        Run(Compile("-O2"));

        Assert.Equal(["redo necessary because output was last written by another tool instance: 'a.o'"], Run(Compile("-O1")));
        Assert.Equal("-O1:h1c1", _tree.Read("a.o"));
    }

    [Fact]
    public void A_changed_environment_variable_causes_a_redo()
    {
        string?[] RunWithLanguage(string value)
        {
            using var context = _tree.Enter();
            context.Env.ImportFromOuter(FakeCompile.LanguageVariable, ".+", "C");
            context.Env[FakeCompile.LanguageVariable] = value;
            return [Compile().Start().Reason?.ToString()];
        }

        RunWithLanguage("de_CH");
        Assert.Equal([null], RunWithLanguage("de_CH"));

        Assert.Equal(["redo necessary because of changed environment variable"], RunWithLanguage("fr_CH"));
    }

    [Fact]
    public void Each_redo_is_recorded_once_with_the_same_start_and_duration_in_the_run_database_and_the_trace()
    {
        Run(Compile());

        var redo = Assert.Single(Kiln.Store.RunDatabase.ReadLatestRun(_tree.DatabasePath)!.Redos);
        using var trace = System.Text.Json.JsonDocument.Parse(_tree.Read(".kiln/trace.json"));
        var traced = Assert.Single(trace.RootElement.GetProperty("traceEvents").EnumerateArray());
        Assert.Equal(redo.Tool, traced.GetProperty("name").GetString());
        Assert.Equal(redo.Reason, traced.GetProperty("args").GetProperty("reason").GetString());
        Assert.Equal(redo.StartNs / 1000.0, traced.GetProperty("ts").GetDouble());
        Assert.Equal(redo.DurationNs / 1000.0, traced.GetProperty("dur").GetDouble());
    }

    [Fact]
    public void A_failed_redo_is_in_the_trace_as_failed_and_not_in_the_run_database()
    {
        _compilerFails = true;

        Assert.Throws<HelperExecutionException>(() => Run(Compile()));

        Assert.Empty(Kiln.Store.RunDatabase.ReadLatestRun(_tree.DatabasePath)!.Redos);
        using var trace = System.Text.Json.JsonDocument.Parse(_tree.Read(".kiln/trace.json"));
        Assert.Equal("redo,failed", Assert.Single(trace.RootElement.GetProperty("traceEvents").EnumerateArray()).GetProperty("cat").GetString());
    }

    [Fact]
    public void Progress_counts_every_redo_found_necessary_as_the_total_queued_ones_included()
    {
        _tree.Write("src/b.c", "b1");
        _tree.Write("src/c.c", "c1");
        var events = new List<RedoProgress>();
        using (_tree.Enter(maxParallelRedoCount: 1, progress: p => { lock (events) events.Add(p); }))
        {
            foreach (var name in (string[])["a", "b", "c"])
                new FakeCompile { SourceFile = $"src/{name}.c", ObjectFile = $"{name}.o" }.Start();
        }

        // Each redo reports its start and its completion; the total never falls behind what has started or completed.
        Assert.Equal(6, events.Count);
        Assert.All(events, e => Assert.True(e.Started <= e.Due && e.Completed <= e.Due, $"{e}"));
        Assert.Equal((3, 3), (events[^1].Completed, events[^1].Due));
        Assert.All(events, e => Assert.Null(e.PreviousInstanceCount));
    }

    [Fact]
    public void Progress_gives_the_instances_started_so_far_and_the_previous_successful_runs_count()
    {
        _tree.Write("src/b.c", "b1");
        Run(Compile(), CompileOf("b"));
        _tree.Write("src/b.c", "b2");
        var events = new List<RedoProgress>();

        using (_tree.Enter(progress: p => { lock (events) events.Add(p); }))
        {
            Compile().Start();
            CompileOf("b").Start();
        }

        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal((2, (int?)2), (e.InstancesStarted, e.PreviousInstanceCount)));
    }
}
