using System.Text;
using System.Text.RegularExpressions;
using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// The toy toolchain of the oracle test, as pure functions: "compiling" expands <c>#include "x.h"</c> lines
/// (headers in the directory of the source, nested, cycles and missing headers marked) and drops <c>//</c>
/// comment lines; "linking" concatenates objects.
/// </summary>
public static partial class Pipeline
{
    [GeneratedRegex("^#include \"([^\"/]+)\"$")]
    private static partial Regex IncludeLine();

    /// <summary>
    /// The object of <paramref name="source"/> compiled with <paramref name="flavor"/> (an option: part of the object's
    /// first line when not empty); <paramref name="read"/> returns a file's text or null when missing.
    /// </summary>
    public static string Compile(TreePath source, Func<TreePath, string?> read, string flavor = "")
    {
        var text = new StringBuilder().Append("object of ").Append(source.AsString());
        if (flavor.Length > 0)
            text.Append(" (").Append(flavor).Append(')');
        text.Append('\n');
        Expand(source, read(source) ?? "", read, [source.AsString()], text);
        return text.ToString();
    }

    private static void Expand(TreePath file, string content, Func<TreePath, string?> read, List<string> stack, StringBuilder text)
    {
        foreach (var line in content.Split('\n'))
        {
            var include = IncludeLine().Match(line);
            if (include.Success)
            {
                var header = file.Parent.Join(include.Groups[1].Value);
                if (stack.Contains(header.AsString()))
                {
                    text.Append("cycle ").Append(header.AsString()).Append('\n');
                    continue;
                }
                var headerContent = read(header);
                if (headerContent is null)
                {
                    text.Append("missing ").Append(header.AsString()).Append('\n');
                    continue;
                }
                stack.Add(header.AsString());
                Expand(header, headerContent, read, stack, text);
                stack.RemoveAt(stack.Count - 1);
            }
            else if (!line.StartsWith("//", StringComparison.Ordinal))
            {
                text.Append(line).Append('\n');
            }
        }
    }

    /// <summary>The header generated from a definition file: comment lines dropped, other lines but includes prefixed.</summary>
    public static string Generate(string definition) =>
        string.Concat(definition.Split('\n')
            .Where(l => !l.StartsWith("//", StringComparison.Ordinal))
            .Select(l => (IncludeLine().IsMatch(l) ? l : "generated " + l) + "\n"));

    /// <summary>The application linked from <paramref name="objects"/> (path and content, in order) with <paramref name="flavor"/> (an option).</summary>
    public static string Link(IEnumerable<(TreePath Path, string Content)> objects, string flavor = "") =>
        (flavor.Length > 0 ? $"linked ({flavor})\n" : "") + string.Concat(objects.Select(o => $"== {o.Path.AsString()}\n{o.Content}"));
}

/// <summary>Compiles one source; the headers it read (or looked for) are its non-explicit inputs.</summary>
public sealed class CompileTool : Tool<CompileTool>
{
    [Input.RegularFile] public required TreePath SourceFile { get; init; }
    [Output.RegularFile(ReplaceBySameContent = false)] public required TreePath ObjectFile { get; init; }
    [Input.RegularFile(Explicit = false)] public IReadOnlyList<TreePath>? IncludedFiles { get; set; }
    [ExecutionParameter] public string Flavor { get; init; } = "";

    protected override async Task<bool> RedoAsync(CompileTool result, RedoContext context)
    {
        var headers = new List<TreePath>();
        var text = Pipeline.Compile(SourceFile, p =>
        {
            if (p != SourceFile && !headers.Contains(p))
                headers.Add(p);
            var native = context.NativePathOf(p);
            return File.Exists(native) ? File.ReadAllText(native) : null;
        }, Flavor);
        using var temporary = context.Temporary();
        await File.WriteAllTextAsync(context.NativePathOf(temporary.Path), text);
        context.ReplaceOutput(ObjectFile, temporary.Path);
        result.IncludedFiles = headers;
        return false;
    }
}

/// <summary>Links objects into one application file.</summary>
public sealed class LinkTool : Tool<LinkTool>
{
    [Input.RegularFile(MinCount = 1)] public required IReadOnlyList<TreePath> ObjectFiles { get; init; }
    [Output.RegularFile] public required TreePath ApplicationFile { get; init; }
    [ExecutionParameter] public string Flavor { get; init; } = "";

    protected override async Task<bool> RedoAsync(LinkTool result, RedoContext context)
    {
        var text = Pipeline.Link(ObjectFiles.Select(o => (o, File.ReadAllText(context.NativePathOf(o)))), Flavor);
        using var temporary = context.Temporary();
        await File.WriteAllTextAsync(context.NativePathOf(temporary.Path), text);
        context.ReplaceOutput(ApplicationFile, temporary.Path);
        return false;
    }
}

/// <summary>Generates a header from a definition file.</summary>
public sealed class GenerateTool : Tool<GenerateTool>
{
    [Input.RegularFile] public required TreePath DefinitionFile { get; init; }
    [Output.RegularFile(ReplaceBySameContent = false)] public required TreePath HeaderFile { get; init; }

    protected override async Task<bool> RedoAsync(GenerateTool result, RedoContext context)
    {
        var text = Pipeline.Generate(await File.ReadAllTextAsync(context.NativePathOf(DefinitionFile)));
        using var temporary = context.Temporary();
        await File.WriteAllTextAsync(context.NativePathOf(temporary.Path), text);
        context.ReplaceOutput(HeaderFile, temporary.Path);
        return false;
    }
}
