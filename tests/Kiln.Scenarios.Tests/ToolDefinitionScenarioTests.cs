using System.Reflection;
using Kiln.Paths;
using Kiln.Tools;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// dlb-spec §11.1 case 19 (dlb's <c>RedoIfDefinitionChangedTest</c>) end to end: a tool class whose source file
/// lies in the working tree is compiled at test time (with an embedded PDB naming that file), loaded, started;
/// then its source file is edited. Deliberate difference: dlb treats the defining <c>.py</c>/<c>.zip</c> as an
/// explicit input (reason "redo necessary because of filesystem object: 'abc.zip'", and the debug message
/// "added 1 tool definition files as input dependency", which Kiln does not have); Kiln compares a digest of
/// the defining file's content, found through the PDB, wherever the file is.
/// </summary>
public sealed class ToolDefinitionScenarioTests : IDisposable
{
    private const string Source = """
        using System.IO;
        using System.Threading.Tasks;
        using Kiln.Paths;
        using Kiln.Tools;

        namespace Compiled;

        public sealed class WriterTool : Tool<WriterTool>
        {
            [Output.RegularFile] public required TreePath ObjectFile { get; init; }

            protected override Task<bool> RedoAsync(WriterTool result, RedoContext context)
            {
                File.WriteAllText(context.NativePathOf(ObjectFile), "written");
                return Task.FromResult(false);
            }
        }

        """;

    private readonly WorkingTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Editing_the_file_that_defines_a_tool_class_redoes_its_instances()
    {
        _tree.Write("tools/WriterTool.cs", Source);
        _tree.Write("a.o", "");
        var definition = _tree.PathOf("tools/WriterTool.cs");
        var type = Compile([(definition, Source)], _tree.PathOf("bin")).GetType("Compiled.WriterTool")!;
        var tool = Activator.CreateInstance(type)!;
        type.GetProperty("ObjectFile")!.SetValue(tool, TreePath.Parse("a.o"));

        using (_tree.Enter())
            Assert.Equal("redo necessary because not run before", StartReason(tool));
        using (_tree.Enter())
            Assert.Null(StartReason(tool));

        File.AppendAllText(definition, "// edited\n");
        using (_tree.Enter())
            Assert.Equal($"redo necessary because tool definition has changed: '{definition}'", StartReason(tool));
        using (_tree.Enter())
            Assert.Null(StartReason(tool));
        Assert.Equal("written", _tree.Read("a.o"));
    }

    // dlb: the definition files of a tool are its own and those of its Tool base classes. Kiln folds the digests
    // of all of them into one, and so names the tool's own file even when only a base class's file changed.
    [Fact]
    public void Editing_the_file_that_defines_a_base_class_redoes_the_instances_of_derived_tools()
    {
        const string baseSource = """
            using System.IO;
            using System.Threading.Tasks;
            using Kiln.Paths;
            using Kiln.Tools;

            namespace Compiled;

            public abstract class WriterBase<TSelf> : Tool<TSelf> where TSelf : WriterBase<TSelf>
            {
                [Output.RegularFile] public required TreePath ObjectFile { get; init; }

                protected override Task<bool> RedoAsync(TSelf result, RedoContext context)
                {
                    File.WriteAllText(context.NativePathOf(ObjectFile), Text());
                    return Task.FromResult(false);
                }

                protected abstract string Text();
            }

            """;
        const string derivedSource = """
            namespace Compiled;

            public sealed class DerivedWriter : WriterBase<DerivedWriter>
            {
                protected override string Text() => "derived";
            }

            """;
        _tree.Write("tools/WriterBase.cs", baseSource);
        _tree.Write("tools/DerivedWriter.cs", derivedSource);
        _tree.Write("a.o", "");
        var baseFile = _tree.PathOf("tools/WriterBase.cs");
        var derivedFile = _tree.PathOf("tools/DerivedWriter.cs");
        var type = Compile([(baseFile, baseSource), (derivedFile, derivedSource)], _tree.PathOf("bin")).GetType("Compiled.DerivedWriter")!;
        var tool = Activator.CreateInstance(type)!;
        type.GetProperty("ObjectFile")!.SetValue(tool, TreePath.Parse("a.o"));

        using (_tree.Enter())
            Assert.Equal("redo necessary because not run before", StartReason(tool));
        File.AppendAllText(baseFile, "// edited\n");
        using (_tree.Enter())
            Assert.Equal($"redo necessary because tool definition has changed: '{derivedFile}'", StartReason(tool));
        using (_tree.Enter())
            Assert.Null(StartReason(tool));
        Assert.Equal("derived", _tree.Read("a.o"));
    }

    /// <summary>Starts <paramref name="tool"/> (of a type known only at run time); returns the redo reason or null.</summary>
    private static string? StartReason(object tool)
    {
        var start = typeof(ToolStart).GetMethod(nameof(ToolStart.Start))!.MakeGenericMethod(tool.GetType());
        var run = start.Invoke(null, [tool, false])!;
        return run.GetType().GetProperty("Reason")!.GetValue(run)?.ToString();
    }

    private static Assembly Compile(IEnumerable<(string Path, string Source)> files, string outputDirectory)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Tool).Assembly.Location)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            "Compiled" + Guid.NewGuid().ToString("N"),
            files.Select(f => CSharpSyntaxTree.ParseText(SourceText.From(f.Source, System.Text.Encoding.UTF8), new CSharpParseOptions(LanguageVersion.Latest), f.Path)),
            references,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable));
        Directory.CreateDirectory(outputDirectory);
        var assemblyPath = Path.Combine(outputDirectory, compilation.AssemblyName + ".dll");
        using (var output = File.Create(assemblyPath))
        {
            var result = compilation.Emit(output, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded));
            Assert.True(result.Success, string.Join("\n", result.Diagnostics));
        }
        return Assembly.LoadFrom(assemblyPath);
    }
}
