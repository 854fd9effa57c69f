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

    // Issue 13 item 2: a library tool is known by assembly, type and version, not by where its sources were compiled
    // nor by which build of the library runs. Two builds of one library version, from sources at two places (outside
    // the working tree) and with two module version ids, share the instance; the next version redoes it.
    [Fact]
    public void A_library_tool_keeps_its_identity_across_builds_and_source_places_and_is_redone_by_a_new_version()
    {
        _tree.Write("a.o", "");
        var elsewhere = Directory.CreateTempSubdirectory("kiln-library-sources-").FullName;
        try
        {
            Type Build(string place, string version, string comment)
            {
                var file = Path.Combine(elsewhere, place, "src", "WriterTool.cs");
                var text = Source.Replace("namespace Compiled;", $"[assembly: System.Reflection.AssemblyVersion(\"{version}\")]\nnamespace Compiled;", StringComparison.Ordinal) + $"// {comment}\n";
                Directory.CreateDirectory(Path.GetDirectoryName(file)!);
                File.WriteAllText(file, text);
                return Compile([(file, text)], Path.Combine(elsewhere, place, "bin-" + version), "WriterLibrary", isolated: true).GetType("Compiled.WriterTool")!;
            }

            var first = Build("checkout-a", "1.2.0", "build 1");
            var second = Build("checkout-b", "1.2.0", "build 2");
            Assert.NotEqual(first.Module.ModuleVersionId, second.Module.ModuleVersionId);
            var third = Build("checkout-b", "1.2.1", "build 3");

            using (_tree.Enter())
                Assert.Equal("redo necessary because not run before", StartReason(Writer(first)));
            using (_tree.Enter())
                Assert.Null(StartReason(Writer(second)));
            using (_tree.Enter())
                Assert.Equal("redo necessary because tool definition has changed: 'WriterLibrary 1.2.1.0'", StartReason(Writer(third)));
            using (var context = _tree.Enter())
            {
                Assert.Null(StartReason(Writer(third)));
                Assert.Equal("assembly:WriterLibrary/Compiled.WriterTool", ToolDefinitions.IdentityOf(third, context.RootPath, new()).Key);
            }
        }
        finally
        {
            Directory.Delete(elsewhere, recursive: true);
        }
    }

    // A tool defined in the working tree is known by its file relative to the root: a moved (or re-checked-out) tree
    // keeps its tool instances.
    [Fact]
    public void A_tool_defined_in_the_working_tree_keeps_its_identity_when_the_tree_moves()
    {
        _tree.Write("tools/WriterTool.cs", Source);
        _tree.Write("a.o", "");
        var type = Compile([(_tree.PathOf("tools/WriterTool.cs"), Source)], _tree.PathOf("bin")).GetType("Compiled.WriterTool")!;
        using (_tree.Enter())
            Assert.Equal("redo necessary because not run before", StartReason(Writer(type)));

        var moved = _tree.Root + "-moved";
        Directory.Move(_tree.Root, moved);
        try
        {
            var there = Compile([(Path.Combine(moved, "tools", "WriterTool.cs"), Source)], Path.Combine(moved, "bin2")).GetType("Compiled.WriterTool")!;
            using var context = new Context(1, _tree.Configuration, moved);
            var line = Source.Split('\n').ToList().FindIndex(l => l.Contains("ObjectFile", StringComparison.Ordinal)) + 1;
            Assert.Equal($"tools/WriterTool.cs:{line}", ToolDefinitions.IdentityOf(there, context.RootPath, new()).Key);
            Assert.Null(StartReason(Writer(there)));
        }
        finally
        {
            Directory.Move(moved, _tree.Root);
        }
    }

    // A class without code of its own (`sealed class X : Base<X>;`) has no sequence points: its file comes from the PDB's
    // TypeDefinitionDocuments record and its name stands for the line — it no longer falls back to the assembly's
    // name (a new one with every compile of a kiln script) and module version id.
    [Fact]
    public void A_tool_class_without_code_is_known_by_its_file_and_name_and_redone_when_its_file_changes()
    {
        const string baseSource = """
            using System.IO;
            using System.Threading.Tasks;
            using Kiln.Paths;
            using Kiln.Tools;

            namespace Compiled;

            public abstract class PlainWriter<TSelf> : Tool<TSelf> where TSelf : PlainWriter<TSelf>
            {
                [Output.RegularFile] public required TreePath ObjectFile { get; init; }

                protected override Task<bool> RedoAsync(TSelf result, RedoContext context)
                {
                    File.WriteAllText(context.NativePathOf(ObjectFile), "plain");
                    return Task.FromResult(false);
                }
            }

            """;
        const string codeless = "namespace Compiled;\n\npublic sealed class Plain : PlainWriter<Plain>;\n";
        _tree.Write("tools/PlainWriter.cs", baseSource);
        _tree.Write("tools/Plain.cs", codeless);
        _tree.Write("a.o", "");
        var files = new[] { (_tree.PathOf("tools/PlainWriter.cs"), baseSource), (_tree.PathOf("tools/Plain.cs"), codeless) };
        var type = Compile(files, _tree.PathOf("bin")).GetType("Compiled.Plain")!;
        using (var context = _tree.Enter())
        {
            Assert.Equal("tools/Plain.cs:Compiled.Plain", ToolDefinitions.IdentityOf(type, context.RootPath, new()).Key);
            Assert.Equal("redo necessary because not run before", StartReason(Writer(type)));
        }
        var recompiled = Compile(files, _tree.PathOf("bin")).GetType("Compiled.Plain")!;
        using (_tree.Enter())
            Assert.Null(StartReason(Writer(recompiled)));

        File.AppendAllText(_tree.PathOf("tools/Plain.cs"), "// edited\n");
        using (_tree.Enter())
            Assert.Equal($"redo necessary because tool definition has changed: '{_tree.PathOf("tools/Plain.cs")}'", StartReason(Writer(recompiled)));
        Assert.Equal("plain", _tree.Read("a.o"));
    }

    /// <summary>An instance of a compiled writer tool with <c>ObjectFile = a.o</c>.</summary>
    private static object Writer(Type type)
    {
        var tool = Activator.CreateInstance(type)!;
        type.GetProperty("ObjectFile")!.SetValue(tool, TreePath.Parse("a.o"));
        return tool;
    }

    /// <summary>Starts <paramref name="tool"/> (of a type known only at run time); returns the redo reason or null.</summary>
    private static string? StartReason(object tool)
    {
        var start = typeof(ToolStart).GetMethod(nameof(ToolStart.Start))!.MakeGenericMethod(tool.GetType());
        var run = start.Invoke(null, [tool, false, "", 0])!; // forceRedo, and the caller information the compiler would pass
        return run.GetType().GetProperty("Reason")!.GetValue(run)?.ToString();
    }

    /// <summary>Compiles <paramref name="files"/> with an embedded PDB naming them and loads the assembly (with
    /// <paramref name="isolated"/>, into a load context of its own, so that builds of one assembly name coexist).</summary>
    private static Assembly Compile(IEnumerable<(string Path, string Source)> files, string outputDirectory, string? assemblyName = null, bool isolated = false)
    {
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Append(typeof(Tool).Assembly.Location)
            .Select(p => MetadataReference.CreateFromFile(p));
        var compilation = CSharpCompilation.Create(
            assemblyName ?? "Compiled" + Guid.NewGuid().ToString("N"),
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
        return isolated
            ? new System.Runtime.Loader.AssemblyLoadContext(assemblyPath, isCollectible: true).LoadFromAssemblyPath(assemblyPath)
            : Assembly.LoadFrom(assemblyPath);
    }
}
