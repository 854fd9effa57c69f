using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Emit;
using Microsoft.CodeAnalysis.Text;
using Kiln.WorkingTree;

namespace Kiln.Cli.Build;

/// <summary>
/// Compiles a build script with Roslyn, in process. Only touched on a cache miss, so that a cached run never
/// loads the compiler (design.md: in-process compile 1.0–2.3 s cold; a cached DLL makes the process ~0.1 s).
/// </summary>
/// <remarks>
/// The script is a C# file-based program: <c>#!</c> and <c>#:</c> directive lines (<c>#:package</c>,
/// <c>#:project</c>, …, used by <c>dotnet run build.cs</c>) are blanked — not removed, so that line numbers in
/// messages stay true. Implicit usings are those of the .NET SDK for console programs. The PDB is embedded
/// with the script's absolute path as its document, which gives tools their identity and stack traces their lines. The
/// result of <see cref="ReplayabilityAnalysis"/> is embedded as a manifest resource.
/// </remarks>
internal static class ScriptCompiler
{
    private static readonly string ImplicitUsings =
        "global using global::System;\nglobal using global::System.Collections.Generic;\nglobal using global::System.IO;\n" +
        "global using global::System.Linq;\nglobal using global::System.Net.Http;\nglobal using global::System.Threading;\n" +
        "global using global::System.Threading.Tasks;\n";

    /// <summary>
    /// Compiles <paramref name="scriptPath"/> into <paramref name="outputPath"/>; returns the error lines (empty on success)
    /// and the warning lines (<c>build.cs(12,9): warning CS4014: …</c>), which kiln prints after a successful compile only, so
    /// once per script text: a cached script is not compiled again.
    /// </summary>
    /// <remarks>
    /// Warnings are shown as <c>dotnet run</c> shows them, and for one more reason: a redo that does not await a
    /// helper (CS4014) returns before the helper has written its outputs. dlb warns of a helper coroutine never
    /// awaited when the run ends; Kiln's compiler sees it before the script runs.
    /// </remarks>
    public static (IReadOnlyList<string> Errors, IReadOnlyList<string> Warnings) Compile(string scriptPath, string displayName, string source, ScriptReferences references, string outputPath)
    {
        var parseOptions = new CSharpParseOptions(LanguageVersion.Preview);
        var text = SourceText.From(BlankDirectives(source), Encoding.UTF8);
        var tree = CSharpSyntaxTree.ParseText(text, parseOptions, scriptPath);
        var usings = CSharpSyntaxTree.ParseText(SourceText.From(ImplicitUsings, Encoding.UTF8), parseOptions, "kiln-implicit-usings.cs");
        var options = new CSharpCompilationOptions(OutputKind.ConsoleApplication)
            .WithNullableContextOptions(NullableContextOptions.Enable)
            .WithOptimizationLevel(OptimizationLevel.Debug)
            .WithAllowUnsafe(true)
            .WithDeterministic(true)
            .WithConcurrentBuild(true);
        var compilation = CSharpCompilation.Create(
            Path.GetFileNameWithoutExtension(outputPath),
            [tree, usings],
            references.All.Select(p => MetadataReference.CreateFromFile(p)),
            options);

        // Before the emit, which embeds the result: a cached script is not analysed again.
        var replayability = ReplayabilityAnalysis.Resource(ReplayabilityAnalysis.Analyze(compilation, tree, displayName));
        var resources = new[] { new ResourceDescription(ReplayabilityAnalysis.ResourceName, () => new MemoryStream(replayability), isPublic: true) };
        var directory = Path.GetDirectoryName(outputPath)!;
        var temporary = outputPath + ".tmp-" + Environment.ProcessId;
        EmitResult result;
        try
        {
            Directory.CreateDirectory(directory);
            using (var stream = File.Create(temporary))
            {
                result = compilation.Emit(stream, manifestResources: resources, options: new EmitOptions(debugInformationFormat: DebugInformationFormat.Embedded));
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A full disk or a '.kiln/scripts/' that is not writable: one error, and no half-written assembly left
            // (the cache holds only complete ones, moved into place by rename).
            TryDelete(temporary);
            return ([ScriptCacheFailure(outputPath, e)], []);
        }
        var warnings = result.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Warning && !d.IsSuppressed)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => Format(d, displayName))
            .ToList();
        var errors = result.Diagnostics
            .Where(d => d.Severity == DiagnosticSeverity.Error)
            .OrderBy(d => d.Location.SourceSpan.Start)
            .Select(d => Format(d, displayName))
            .ToList();
        if (!result.Success)
        {
            File.Delete(temporary);
            return (errors.Count > 0 ? errors : ["error: compilation failed"], warnings);
        }
        try
        {
            Kiln.Platform.Files.AtomicFile.Replace(temporary, outputPath, KillPoints.BeforeRename, KillPoints.AfterRename);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            TryDelete(temporary);
            return ([ScriptCacheFailure(outputPath, e)], warnings);
        }
        return ([], warnings);
    }

    private static string ScriptCacheFailure(string outputPath, Exception e) =>
        "error: " + Kiln.WorkingTree.WriteFailure.Describe(
            $"could not write the compiled build script {Kiln.Paths.TreePath.Quote(outputPath)}", e, Path.GetDirectoryName(outputPath) + "/");

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover temporary carries the pid in its name and is never taken for a cached assembly.
        }
    }

    /// <summary>
    /// <c>build.cs(12,5): error CS0103: …</c> or <c>build.cs(6,5): warning CS4014: …</c>, one line each, as the C# compiler
    /// prints them (and <c>dotnet run</c> shows them).
    /// </summary>
    private static string Format(Diagnostic d, string displayName)
    {
        var severity = d.Severity == DiagnosticSeverity.Error ? "error" : "warning";
        var message = d.GetMessage(System.Globalization.CultureInfo.InvariantCulture);
        if (!d.Location.IsInSource)
            return $"{severity} {d.Id}: {message}";
        var span = d.Location.GetLineSpan();
        var file = span.Path.EndsWith("kiln-implicit-usings.cs", StringComparison.Ordinal) ? "<implicit usings>" : displayName;
        return $"{file}({span.StartLinePosition.Line + 1},{span.StartLinePosition.Character + 1}): {severity} {d.Id}: {message}";
    }

    /// <summary>Blanks <c>#!</c> and <c>#:</c> lines, keeping line numbers.</summary>
    internal static string BlankDirectives(string source)
    {
        var lines = source.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var trimmed = lines[i].TrimStart();
            if (trimmed.StartsWith("#!", StringComparison.Ordinal) || trimmed.StartsWith("#:", StringComparison.Ordinal))
                lines[i] = "";
        }
        return string.Join('\n', lines);
    }
}
