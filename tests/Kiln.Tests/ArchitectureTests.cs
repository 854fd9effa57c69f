using System.Text.RegularExpressions;

namespace Kiln.Tests;

/// <summary>
/// Keeps the layer map of ARCHITECTURE.md: a lower layer of the engine never names a higher one, and
/// the pure layers never touch the effects that belong to other layers.
/// </summary>
public sealed class ArchitectureTests
{
    // Layer order of the engine's namespaces (index = layer rank; equal rank = siblings that may not see each other).
    private static readonly (string Namespace, int Rank)[] EngineLayers =
    [
        ("Kiln.Paths", 0),
        ("Kiln.Diagnostics", 0),
        ("Kiln.Tools", 1),
        ("Kiln.WorkingTree", 2),
        ("Kiln.Store", 2),
        ("Kiln.Caching", 2),
        ("Kiln.Rebuild", 3),
        ("Kiln.Scheduling", 4),
    ];

    private static string SourceRoot([System.Runtime.CompilerServices.CallerFilePath] string thisFile = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!, "..", "..", "src"));

    private static IEnumerable<(string File, string Namespace, string Text)> EngineSources()
    {
        foreach (var file in Directory.EnumerateFiles(Path.Combine(SourceRoot(), "Kiln"), "*.cs", SearchOption.AllDirectories))
        {
            if (file.Contains("/obj/", StringComparison.Ordinal) || file.Contains("/bin/", StringComparison.Ordinal))
                continue;
            var text = File.ReadAllText(file);
            var match = Regex.Match(text, @"^namespace\s+([\w.]+)\s*;", RegexOptions.Multiline);
            if (match.Success)
                yield return (file, match.Groups[1].Value, text);
        }
    }

    private static int? RankOf(string ns)
    {
        foreach (var (name, rank) in EngineLayers)
            if (ns == name || ns.StartsWith(name + ".", StringComparison.Ordinal))
                return rank;
        return null;
    }

    private static IEnumerable<string> ReferencedKilnNamespaces(string text)
    {
        // "using Kiln.X;" and fully qualified "Kiln.X.Type" both count as references.
        foreach (Match m in Regex.Matches(text, @"\bKiln\.(Paths|Diagnostics|Tools|WorkingTree|Store|Caching|Rebuild|Scheduling)\b"))
            yield return "Kiln." + m.Groups[1].Value;
        foreach (Match m in Regex.Matches(text, @"^using\s+Kiln\s*;", RegexOptions.Multiline))
            yield return "Kiln";
    }

    [Fact]
    public void Every_engine_source_file_lies_in_a_known_layer()
    {
        var unknown = EngineSources()
            .Where(s => s.Namespace != "Kiln" && RankOf(s.Namespace) is null)
            .Select(s => $"{s.File}: {s.Namespace}")
            .ToList();
        Assert.Empty(unknown);
    }

    [Fact]
    public void A_lower_layer_never_references_a_higher_or_sibling_layer()
    {
        var violations = new List<string>();
        foreach (var (file, ns, text) in EngineSources())
        {
            var rank = RankOf(ns);
            if (rank is null)
                continue; // composition layer (namespace Kiln) may reference everything
            foreach (var referenced in ReferencedKilnNamespaces(text).Distinct())
            {
                if (referenced == "Kiln")
                {
                    violations.Add($"{file}: layer {ns} references the composition layer Kiln");
                    continue;
                }
                var other = RankOf(referenced)!.Value;
                var sameLayerFamily = referenced == ns || ns.StartsWith(referenced + ".", StringComparison.Ordinal);
                if (!sameLayerFamily && other >= rank)
                    violations.Add($"{file}: layer {ns} (rank {rank}) references {referenced} (rank {other})");
            }
        }
        Assert.Empty(violations);
    }

    [Theory]
    [InlineData("Kiln.Rebuild", @"\bSystem\.Diagnostics\.Process\b|\bProcess\.Start\b|\bFile\.|\bDirectory\.|\bSqlite")]
    [InlineData("Kiln.Paths", @"\bFile\.|\bDirectory\.|\bProcess\b|\bSqlite")]
    [InlineData("Kiln.Tools", @"\bFile\.|\bProcess\.Start\b|\bSqlite")]
    [InlineData("Kiln.Scheduling", @"\bSqlite|\bKiln\.Store\b")]
    [InlineData("Kiln.Store", @"\bProcess\.Start\b|\bKiln\.WorkingTree\b")]
    [InlineData("Kiln.Caching", @"\bProcess\.Start\b|\bSqlite|\bKiln\.Tools\b")]
    public void A_layer_does_not_perform_effects_that_belong_elsewhere(string layer, string forbiddenPattern)
    {
        var violations = EngineSources()
            .Where(s => s.Namespace == layer)
            .Where(s => Regex.IsMatch(StripComments(s.Text), forbiddenPattern))
            .Select(s => s.File)
            .ToList();
        Assert.Empty(violations);
    }

    private static IEnumerable<string> SourceFilesOutside(string assembly) =>
        Directory.EnumerateFiles(SourceRoot(), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            .Where(f => !f.StartsWith(Path.Combine(SourceRoot(), assembly) + "/", StringComparison.Ordinal));

    [Fact]
    public void Only_Kiln_Platform_calls_libc_or_declares_native_imports()
    {
        // A native import, or a libc function looked up by hand (NativeLibrary.Load("libc.so.6") + GetExport).
        var violations = SourceFilesOutside("Kiln.Platform")
            .Where(f => Regex.IsMatch(StripComments(File.ReadAllText(f)), @"\[\s*(LibraryImport|DllImport)\b|""libc(\.so(\.\d+)?)?"""))
            .ToList();
        Assert.Empty(violations);
    }

    [Fact]
    public void Kiln_Platform_stands_on_nothing_of_Kiln()
    {
        var project = File.ReadAllText(Path.Combine(SourceRoot(), "Kiln.Platform", "Kiln.Platform.csproj"));
        Assert.DoesNotContain("<ProjectReference", project, StringComparison.Ordinal);
        var violations = Directory.EnumerateFiles(Path.Combine(SourceRoot(), "Kiln.Platform"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains("/obj/", StringComparison.Ordinal) && !f.Contains("/bin/", StringComparison.Ordinal))
            // A file name such as "Kiln.Cli.dll" (the engine the front finds beside it) names no dependency.
            .Where(f => Regex.IsMatch(StripComments(File.ReadAllText(f)), @"\bKiln\.(?!Platform\b)(?![\w.]+\.dll"")\w+"))
            .ToList();
        Assert.Empty(violations);
    }

    [Fact]
    public void The_shared_source_folder_is_gone()
    {
        Assert.False(Directory.Exists(Path.Combine(SourceRoot(), "Shared")), "src/Shared: shared code belongs in Kiln.Platform");
        var linking = Directory.EnumerateFiles(SourceRoot(), "*.csproj", SearchOption.AllDirectories)
            .Where(f => Regex.IsMatch(File.ReadAllText(f), @"<Compile\s+Include=""[^""]*\.\./"))
            .ToList();
        Assert.Empty(linking);
    }

    [Fact]
    public void The_banned_list_keeps_native_imports_file_move_and_process_start_in_Kiln_Platform()
    {
        var banned = File.ReadAllText(Path.Combine(SourceRoot(), "BannedSymbols.txt"));
        Assert.Contains("T:System.Runtime.InteropServices.LibraryImportAttribute;", banned, StringComparison.Ordinal);
        Assert.Contains("M:System.IO.File.Move(System.String,System.String,System.Boolean);", banned, StringComparison.Ordinal);
        Assert.Contains("M:System.Diagnostics.Process.Start(System.Diagnostics.ProcessStartInfo);", banned, StringComparison.Ordinal);
        // Kiln.Platform is the one assembly allowed them: it does not read the list.
        Assert.DoesNotContain("<AdditionalFiles", File.ReadAllText(Path.Combine(SourceRoot(), "Kiln.Platform", "Kiln.Platform.csproj")), StringComparison.Ordinal);
    }

    private static string StripComments(string text) =>
        Regex.Replace(text, @"//.*?$|/\*.*?\*/", "", RegexOptions.Multiline | RegexOptions.Singleline);
}
