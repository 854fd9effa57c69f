using System.Reflection;
using System.Text.RegularExpressions;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Kiln.Cli.Tests.Docs;

/// <summary>
/// Every C# code block of README.md and docs/ compiles against Kiln's assemblies (and the ones marked <c>run</c> run),
/// so a snippet cannot drift from the API it shows.
/// </summary>
/// <remarks>
/// A block may be preceded by an HTML comment that the rendered page does not show:
/// <code>
/// &lt;!-- snippet: run
/// using Kiln.Diagnostics;
/// var log = new DiagnosticLog(TextWriter.Null);
/// --&gt;
/// </code>
/// Its first line says <c>run</c> or <c>compile</c> (the default); the rest is a prelude that declares what the block
/// takes as given (<c>using</c> lines go to the top). The block and its prelude compile as top-level statements with
/// unsafe code allowed and the implicit usings of a console program.
/// </remarks>
public sealed partial class DocsSnippetTests
{
    private static readonly string RepositoryRoot = FindRepositoryRoot();

    [GeneratedRegex(@"(?:<!-- snippet:(?<options>[^\n]*)\n(?<prelude>(?:(?!-->).*\n)*?)-->\n)?```csharp\n(?<code>(?:(?!```).*\n)*?)```", RegexOptions.Multiline)]
    private static partial Regex CSharpBlock();

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Kiln.slnx")))
                return dir.FullName;
        }
        throw new InvalidOperationException("repository root (Kiln.slnx) not found above " + AppContext.BaseDirectory);
    }

    private static IEnumerable<string> Documents() =>
        new[] { Path.Combine(RepositoryRoot, "README.md") }
            .Concat(Directory.EnumerateFiles(Path.Combine(RepositoryRoot, "docs"), "*.md", SearchOption.AllDirectories))
            .Order(StringComparer.Ordinal);

    /// <summary>Every block as "path:line" (the line of its opening fence).</summary>
    public static TheoryData<string> Blocks()
    {
        var data = new TheoryData<string>();
        foreach (var document in Documents())
        {
            var text = File.ReadAllText(document);
            foreach (Match m in CSharpBlock().Matches(text))
            {
                var fence = m.Groups["code"].Index - "```csharp\n".Length;
                var line = text.AsSpan(0, fence).Count('\n') + 1;
                data.Add($"{Path.GetRelativePath(RepositoryRoot, document)}:{line}");
            }
        }
        return data;
    }

    [Fact]
    public void The_documents_have_csharp_blocks_to_check()
    {
        Assert.True(Blocks().Count >= 5, "expected the C# blocks of docs/jit.md, docs/mpi.md and docs/diagnostics.md");
    }

    [Theory]
    [MemberData(nameof(Blocks))]
    public void A_csharp_block_of_the_docs_compiles_and_a_block_marked_run_runs(string block)
    {
        var (document, line) = (block[..block.LastIndexOf(':')], int.Parse(block[(block.LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture));
        var text = File.ReadAllText(Path.Combine(RepositoryRoot, document));
        var match = CSharpBlock().Matches(text).Single(m => text.AsSpan(0, m.Groups["code"].Index - "```csharp\n".Length).Count('\n') + 1 == line);
        var options = match.Groups["options"].Value.Trim();
        var prelude = match.Groups["prelude"].Value.Split('\n');
        var code = match.Groups["code"].Value.Split('\n');
        var usings = prelude.Concat(code).Where(IsUsingDirective);
        var program = string.Join('\n', usings.Concat(prelude.Where(l => !IsUsingDirective(l))).Concat(code.Where(l => !IsUsingDirective(l))));

        var assembly = Compile(program, block);

        if (options == "run")
        {
            var entry = assembly.EntryPoint!;
            entry.Invoke(null, entry.GetParameters().Length == 0 ? null : [Array.Empty<string>()]);
        }
        else
        {
            Assert.True(options is "" or "compile", $"{block}: unknown snippet option '{options}' (run or compile)");
        }
    }

    private static bool IsUsingDirective(string line) =>
        line.StartsWith("using ", StringComparison.Ordinal) && line.TrimEnd().EndsWith(';') && !line.Contains('(', StringComparison.Ordinal) && !line.Contains('=', StringComparison.Ordinal);

    private static Assembly Compile(string program, string block)
    {
        string[] implicitUsings = ["System", "System.Collections.Generic", "System.IO", "System.Linq", "System.Threading", "System.Threading.Tasks"];
        var source = string.Concat(implicitUsings.Select(u => $"global using {u};\n")) + program;
        var references = ((string)AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES")!).Split(Path.PathSeparator)
            .Concat(new[] { typeof(Kiln.Context), typeof(Kiln.Jit.JitCompiler), typeof(Kiln.Jit.Mpi.DistributedJit), typeof(Kiln.Mpi.MpiSession), typeof(Kiln.Contrib.CompileC), typeof(Kiln.Toolchain.SourceLanguage) }.Select(t => t.Assembly.Location))
            .Distinct(StringComparer.Ordinal)
            .Select(path => MetadataReference.CreateFromFile(path));
        var compilation = CSharpCompilation.Create(
            "snippet",
            [CSharpSyntaxTree.ParseText(source, new CSharpParseOptions(LanguageVersion.Preview))],
            references,
            new CSharpCompilationOptions(OutputKind.ConsoleApplication, allowUnsafe: true, nullableContextOptions: NullableContextOptions.Enable));
        using var image = new MemoryStream();
        var result = compilation.Emit(image);
        var errors = result.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Select(d => d.ToString()).ToList();
        Assert.True(result.Success, $"{block} does not compile:\n{string.Join('\n', errors)}\n--- as compiled:\n{source}");
        return Assembly.Load(image.ToArray());
    }
}
