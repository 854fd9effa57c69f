using Kiln.Cli.Build;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Kiln.Cli.Tests.Build;

/// <summary>What makes a script "not replayable", found in its source with the semantic model (as kiln compiles it).</summary>
public sealed class ReplayabilityAnalysisTests
{
    private static readonly MetadataReference[] References =
    [
        .. ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Where(p => Path.GetFileName(p).StartsWith("System.", StringComparison.Ordinal) || Path.GetFileName(p) is "netstandard.dll")
            .Select(p => MetadataReference.CreateFromFile(p)),
        MetadataReference.CreateFromFile(typeof(Context).Assembly.Location),
    ];

    private const string Usings = "using System; using System.IO; using System.Net.Http; using System.Threading.Tasks; using Kiln; using Kiln.Tools; using Kiln.Paths;\n";

    /// <summary>The reasons for a script whose first line is the usings (so its own lines start at line 2).</summary>
    private static IReadOnlyList<string> Analyze(string script)
    {
        var tree = CSharpSyntaxTree.ParseText(Usings + script, new CSharpParseOptions(LanguageVersion.Preview), "/w/build.cs");
        var compilation = CSharpCompilation.Create("s", [tree], References, new CSharpCompilationOptions(OutputKind.ConsoleApplication).WithAllowUnsafe(true));
        var errors = compilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error).ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        return ReplayabilityAnalysis.Analyze(compilation, tree, "build.cs");
    }

    [Theory]
    [InlineData("var t = File.ReadAllText(\"VERSION\");", "build.cs(2,14): not replayable: System.IO.File.ReadAllText reads a file outside a redo; use Sources.ReadAllText")]
    [InlineData("File.WriteAllText(\"x\", \"\");", "build.cs(2,6): not replayable: System.IO.File.WriteAllText writes a file outside a redo; write files in a tool's redo")]
    [InlineData("using var s = new FileStream(\"x\", FileMode.Open);", "build.cs(2,15): not replayable: new System.IO.FileStream reads a file outside a redo; use Sources.ReadAllText")]
    [InlineData("var n = Directory.GetFiles(\"src\").Length;", "build.cs(2,19): not replayable: System.IO.Directory.GetFiles examines the file system outside a redo; use Sources.Glob or Sources.List")]
    [InlineData("var cc = Environment.GetEnvironmentVariable(\"CC\");", "build.cs(2,22): not replayable: System.Environment.GetEnvironmentVariable reads the process environment outside a redo; use Context.Active.Env.ImportFromOuter")]
    [InlineData("System.Diagnostics.Process.Start(\"true\");", "build.cs(2,28): not replayable: System.Diagnostics.Process.Start runs or inspects a process outside a redo; run helpers in a tool's redo")]
    [InlineData("var d = DateTime.Now;", "build.cs(2,18): not replayable: System.DateTime.Now reads the clock outside a redo; a replay would not see the time change")]
    [InlineData("var d = DateTimeOffset.UtcNow;", "build.cs(2,24): not replayable: System.DateTimeOffset.UtcNow reads the clock outside a redo; a replay would not see the time change")]
    [InlineData("var r = new Random();", "build.cs(2,9): not replayable: new System.Random is random outside a redo; a replay would not draw again")]
    [InlineData("var g = Guid.NewGuid();", "build.cs(2,14): not replayable: System.Guid.NewGuid is random outside a redo; a replay would not draw again")]
    [InlineData("using var h = new HttpClient();", "build.cs(2,15): not replayable: new System.Net.Http.HttpClient uses the network outside a redo; fetch in a tool's redo")]
    [InlineData("N.getpid();\nstatic class N { [System.Runtime.InteropServices.DllImport(\"libc\")] public static extern int getpid(); }", "build.cs(2,3): not replayable: N.getpid calls native code outside a redo; Kiln cannot see what it observes")]
    public void Each_kind_of_observation_outside_a_redo_is_named_with_its_line_and_column(string script, string reason) =>
        Assert.Equal([reason], Analyze(script));

    [Fact]
    public void The_same_uses_inside_a_tools_redo_are_allowed_and_so_is_what_goes_through_kiln()
    {
        var reasons = Analyze("""
            using (new Context(maxParallelRedoCount: Environment.ProcessorCount))
            {
                Context.Active.Env.ImportFromOuter("CC", ".*", "");
                foreach (var f in Sources.Glob("src/*.c")) Console.WriteLine(Path.Combine("build", f.Name) + Sources.ReadAllText("VERSION"));
            }
            public sealed class Gen : Tool<Gen>
            {
                [Input.RegularFile] public required TreePath Template { get; init; }
                protected override async Task<bool> RedoAsync(Gen result, RedoContext context)
                {
                    var text = await File.ReadAllTextAsync(context.NativePathOf(Template));
                    Func<string?> cc = () => Environment.GetEnvironmentVariable("CC") + DateTime.Now;
                    await File.WriteAllTextAsync("x", text + cc() + new Random().Next());
                    return false;
                }
            }
            """);
        Assert.Empty(reasons);
    }

    [Fact]
    public void A_helper_method_of_a_tool_that_is_not_its_redo_is_flagged_conservatively()
    {
        var reasons = Analyze("""
            Console.WriteLine();
            public sealed class Gen : Tool<Gen>
            {
                public static string Read() => File.ReadAllText("x");
                protected override Task<bool> RedoAsync(Gen result, RedoContext context) => Task.FromResult(Read().Length > 0);
            }
            """);
        Assert.Equal(["build.cs(5,41): not replayable: System.IO.File.ReadAllText reads a file outside a redo; use Sources.ReadAllText"], reasons);
    }

    [Fact]
    public void A_script_that_opts_out_is_not_replayable_for_its_reason_alone()
    {
        var reasons = Analyze("[assembly: Kiln.NotReplayable(\"asks a license server\")]\nvar t = File.ReadAllText(\"VERSION\");");
        Assert.Equal(["build.cs(2,12): not replayable: declared by [assembly: Kiln.NotReplayable]: asks a license server"], reasons);
    }

    [Fact]
    public void The_reasons_go_into_the_compiled_script_and_come_back_out_of_it()
    {
        var directory = Directory.CreateTempSubdirectory("kiln-replay-").FullName;
        try
        {
            var script = Path.Combine(directory, "build.cs");
            File.WriteAllText(script, "var t = System.IO.File.ReadAllText(\"VERSION\");\n");
            var output = Path.Combine(directory, "s.dll");
            var (errors, _) = ScriptCompiler.Compile(script, "build.cs", File.ReadAllText(script), ScriptReferences.For(directory), output);
            Assert.Empty(errors);
            var context = new System.Runtime.Loader.AssemblyLoadContext("replay-test", isCollectible: true);
            try
            {
                Assert.Equal(["build.cs(1,24): not replayable: System.IO.File.ReadAllText reads a file outside a redo; use Sources.ReadAllText"],
                    ReplayabilityAnalysis.ReasonsOf(context.LoadFromAssemblyPath(output)));
            }
            finally
            {
                context.Unload();
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
