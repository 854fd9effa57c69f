using System.Reflection;
using System.Text;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace Kiln.Cli.Build;

/// <summary>
/// Decides, with Roslyn's semantic model, whether a build script's configuration can be replayed from its configuration
/// record: only if everything it observes outside its tools' redos goes through Kiln (which records it). A use of the file
/// system (<c>System.IO</c> files and directories), the process environment (<c>System.Environment</c>), processes
/// (<c>System.Diagnostics.Process</c>), the clock (<c>DateTime.Now</c>, <c>UtcNow</c>, <c>Today</c>, <c>DateTimeOffset.Now</c>,
/// <c>UtcNow</c>, <c>TimeProvider.System</c>), randomness (<c>Random</c>, <c>RandomNumberGenerator</c>, <c>Guid.NewGuid</c>),
/// the network (<c>System.Net</c>) or native code (<c>DllImport</c>/<c>LibraryImport</c> methods, <c>NativeLibrary</c>)
/// outside a redo makes it not replayable, with one reason per use: <c>build.cs(4,14): not replayable: System.IO.File.ReadAllText
/// reads a file outside a redo; use Sources.ReadAllText</c>. A redo body is a tool's <c>RedoAsync</c> override (lambdas and
/// local functions in it included): it may do anything, since it runs only when its instance is not up to date.
/// <c>[assembly: Kiln.NotReplayable("why")]</c> makes the script not replayable without analysis.
/// </summary>
/// <remarks>
/// Conservative by construction: a helper method outside <c>RedoAsync</c> that only a redo calls is still flagged (move the
/// use into the redo). Allowed from <c>System.Environment</c>: <c>ProcessorCount</c> (parallelism changes no decision),
/// <c>NewLine</c>, <c>Exit</c>, <c>ExitCode</c>, <c>FailFast</c>. The reasons are embedded into the compiled script as the manifest
/// resource <see cref="ResourceName"/> (one per line, none when replayable), so a cached script is not analysed again.
/// </remarks>
internal static class ReplayabilityAnalysis
{
    /// <summary>The manifest resource of a compiled script that holds its reasons (UTF-8, one per line).</summary>
    public const string ResourceName = "kiln-replayability.txt";

    private static readonly HashSet<string> AllowedEnvironmentMembers = ["ProcessorCount", "NewLine", "Exit", "ExitCode", "FailFast"];

    private static readonly HashSet<string> FileTypes =
    [
        "System.IO.File", "System.IO.FileInfo", "System.IO.FileStream", "System.IO.RandomAccess", "System.IO.StreamReader", "System.IO.StreamWriter",
    ];

    private static readonly HashSet<string> DirectoryTypes =
    [
        "System.IO.Directory", "System.IO.DirectoryInfo", "System.IO.FileSystemInfo", "System.IO.DriveInfo", "System.IO.FileSystemWatcher",
    ];

    private static readonly HashSet<string> PathMembers = ["GetTempPath", "GetTempFileName", "Exists", "GetFullPath"];

    /// <summary>The reasons why the script in <paramref name="tree"/> is not replayable (sorted by position; empty when it is).</summary>
    public static IReadOnlyList<string> Analyze(CSharpCompilation compilation, SyntaxTree tree, string displayName)
    {
        ArgumentNullException.ThrowIfNull(compilation);
        ArgumentNullException.ThrowIfNull(tree);
        var declared = compilation.Assembly.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == "Kiln.NotReplayableAttribute");
        if (declared is not null)
        {
            var why = declared.ConstructorArguments.FirstOrDefault().Value as string ?? "";
            return [$"{Position(displayName, declared.ApplicationSyntaxReference?.GetSyntax().GetLocation())}: not replayable: declared by [assembly: Kiln.NotReplayable]: {why}"];
        }
        var model = compilation.GetSemanticModel(tree);
        var reasons = new List<(int Start, string Text)>();
        foreach (var node in tree.GetRoot().DescendantNodes())
        {
            if (node is not (SimpleNameSyntax or BaseObjectCreationExpressionSyntax))
                continue;
            var symbol = model.GetSymbolInfo(node).Symbol;
            if (symbol is null || node.Parent is BaseObjectCreationExpressionSyntax || (symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } && node is SimpleNameSyntax))
                continue;
            var what = Observation(symbol);
            if (what is null || InRedo(node, model))
                continue;
            reasons.Add((node.SpanStart, $"{Position(displayName, node.GetLocation())}: not replayable: {what}"));
        }
        return [.. reasons.OrderBy(r => r.Start).Select(r => r.Text)];
    }

    /// <summary>The reasons embedded into a compiled script (<see cref="ResourceName"/>); an assembly without them is taken as not analysed.</summary>
    public static IReadOnlyList<string> ReasonsOf(Assembly script)
    {
        ArgumentNullException.ThrowIfNull(script);
        using var stream = script.GetManifestResourceStream(ResourceName);
        if (stream is null)
            return ["not replayable: the compiled script carries no replayability analysis"];
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>The resource text of <paramref name="reasons"/>.</summary>
    public static byte[] Resource(IReadOnlyList<string> reasons) => Encoding.UTF8.GetBytes(string.Concat(reasons.Select(r => r.Replace('\n', ' ') + "\n")));

    private static string Position(string displayName, Location? location)
    {
        if (location is null || !location.IsInSource)
            return displayName;
        var start = location.GetLineSpan().StartLinePosition;
        return $"{displayName}({start.Line + 1},{start.Character + 1})";
    }

    // What the use of symbol observes, as the rest of a reason; null when it observes nothing Kiln does not record.
    private static string? Observation(ISymbol symbol)
    {
        if (symbol is not (IMethodSymbol or IPropertySymbol or IFieldSymbol or IEventSymbol))
            return null;
        var type = symbol.ContainingType?.OriginalDefinition.ToDisplayString() ?? "";
        var ns = symbol.ContainingNamespace?.ToDisplayString() ?? "";
        var name = symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } ? "new " + type : type + "." + symbol.Name;
        if (FileTypes.Contains(type) && !(type is "System.IO.StreamReader" or "System.IO.StreamWriter" && !OpensPath(symbol)))
            return IsWrite(symbol) ? $"{name} writes a file outside a redo; write files in a tool's redo" : $"{name} reads a file outside a redo; use Sources.ReadAllText";
        if (DirectoryTypes.Contains(type))
            return $"{name} examines the file system outside a redo; use Sources.Glob or Sources.List";
        if (type == "System.IO.Path" && PathMembers.Contains(symbol.Name))
            return $"{name} examines the file system outside a redo; use Sources.Glob or Sources.List";
        if (type == "System.Environment" && !AllowedEnvironmentMembers.Contains(symbol.Name))
            return $"{name} reads the process environment outside a redo; use Context.Active.Env.ImportFromOuter";
        if (type is "System.Diagnostics.Process")
            return $"{name} runs or inspects a process outside a redo; run helpers in a tool's redo";
        if ((type is "System.DateTime" or "System.DateTimeOffset" && symbol.Name is "Now" or "UtcNow" or "Today") || (type == "System.TimeProvider" && symbol.Name == "System"))
            return $"{name} reads the clock outside a redo; a replay would not see the time change";
        if (type is "System.Random" or "System.Security.Cryptography.RandomNumberGenerator" || (type == "System.Guid" && symbol.Name == "NewGuid"))
            return $"{name} is random outside a redo; a replay would not draw again";
        if (ns == "System.Net" || ns.StartsWith("System.Net.", StringComparison.Ordinal))
            return $"{name} uses the network outside a redo; fetch in a tool's redo";
        if (type == "System.Runtime.InteropServices.NativeLibrary" || (symbol is IMethodSymbol m && (m.GetDllImportData() is not null ||
            m.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == "System.Runtime.InteropServices.LibraryImportAttribute"))))
            return $"{name} calls native code outside a redo; Kiln cannot see what it observes";
        return null;
    }

    // A StreamReader/StreamWriter constructed from a path opens a file; one over a stream does not.
    private static bool OpensPath(ISymbol symbol) =>
        symbol is IMethodSymbol { MethodKind: MethodKind.Constructor } ctor && ctor.Parameters.Length > 0 && ctor.Parameters[0].Type.SpecialType == SpecialType.System_String;

    private static bool IsWrite(ISymbol symbol) =>
        symbol.ContainingType?.Name == "StreamWriter" || symbol.Name.StartsWith("Write", StringComparison.Ordinal) || symbol.Name.StartsWith("Append", StringComparison.Ordinal) ||
        symbol.Name is "Create" or "Delete" or "Move" or "Copy" or "Replace" or "SetLastWriteTimeUtc" or "SetUnixFileMode";

    // Whether node lies in the body of a tool's redo: a method overriding Kiln.Tools.Tool<TSelf>.RedoAsync.
    private static bool InRedo(SyntaxNode node, SemanticModel model)
    {
        foreach (var method in node.Ancestors().OfType<MethodDeclarationSyntax>())
        {
            for (var m = model.GetDeclaredSymbol(method)?.OverriddenMethod; m is not null; m = m.OverriddenMethod)
                if (m.Name == "RedoAsync" && m.ContainingType.OriginalDefinition.ToDisplayString() == "Kiln.Tools.Tool<TSelf>")
                    return true;
        }
        return false;
    }
}
