#:project ../../src/Kiln.Contrib/Kiln.Contrib.csproj
// A C library laid out as real projects are: sources in lib/core/ and lib/text/, public headers in include/mini/,
// a header generated from a template (build/gen/mini/config.h from include/mini/config.h.in, as configure writes
// config.h), a static library (build/lib/libmini.a) and a shared one (build/lib/libmini.so.1), two programs
// (build/bin/sum against the static library, build/bin/shout against the shared one), and a test step that runs the
// programs on tests/cases.txt and writes build/test.log (it fails the build when a case fails).
// Build with `kiln build` in this directory (or `dotnet run build.cs`). Change the code of lib/text/words.c: its two
// compiles (static, position-independent), the archive, the shared library, the programs and the test are redone (a
// comment-only edit recompiles but keeps the objects, so nothing after is redone); change VERSION below: config.h,
// its includers, and what links them. Tools defined in this file are redone when this file changes (as in dlb).
using System.Text;
using Kiln;
using Kiln.Contrib;
using Kiln.Paths;
using Kiln.Tools;

using var context = new Context(maxParallelRedoCount: Environment.ProcessorCount);

var config = new Configure
{
    Template = "include/mini/config.h.in",
    Header = "build/gen/mini/config.h",
    Values = new Dictionary<string, string> { ["VERSION"] = "1.2.0", ["MAX_WORDS"] = "1000" },
}.Start();
await config.CompleteAsync();   // the compiles below include it: it must exist before they start

var common = new CompileSettings
{
    IncludeDirectories = ["include/", "build/gen/"],
    Standard = "c11",
    Optimization = "2",
    Warnings = ["all", "extra", "error"],
};
var sources = Layout.SourcesIn(["lib/core/", "lib/text/"], ".c");
var staticObjects = sources.Select(s => new CompileC(common) { SourceFile = s, ObjectFile = Layout.ObjectOf(s, "build/obj/") }.Start()).ToList();
var picObjects = sources.Select(s => new CompileC(common with { PositionIndependent = true }) { SourceFile = s, ObjectFile = Layout.ObjectOf(s, "build/pic/") }.Start()).ToList();

var archive = new Archive { ObjectFiles = [.. staticObjects.Select(c => c.Result.ObjectFile)], ArchiveFile = "build/lib/libmini.a" }.Start();
var shared = new LinkSharedLibrary
{
    ObjectFiles = [.. picObjects.Select(c => c.Result.ObjectFile)],
    SharedObjectName = "libmini.so.1",
    LinkedFile = "build/lib/libmini.so.1",
}.Start();

var sumMain = new CompileC(common) { SourceFile = "app/sum.c", ObjectFile = "build/obj/app/sum.o" }.Start();
var shoutMain = new CompileC(common) { SourceFile = "app/shout.c", ObjectFile = "build/obj/app/shout.o" }.Start();
var sum = new LinkExecutable { ObjectFiles = [sumMain.Result.ObjectFile], LibraryFiles = [archive.Result.ArchiveFile], LinkedFile = "build/bin/sum" }.Start();
var shout = new LinkExecutable
{
    ObjectFiles = [shoutMain.Result.ObjectFile],
    LibraryFiles = [shared.Result.LinkedFile],
    RunPathDirectories = ["$ORIGIN/../lib"],
    LinkedFile = "build/bin/shout",
}.Start();

new RunTests { Cases = "tests/cases.txt", Programs = [sum.Result.LinkedFile, shout.Result.LinkedFile], Log = "build/test.log" }.Start();

/// <summary>Where this script's sources are and where their objects go (a.c → a.o, as make names them).</summary>
internal static class Layout
{
    public static List<TreePath> SourcesIn(string[] directories, string suffix) =>
        [.. directories.SelectMany(d => CompileAndLink.FindSources(d, suffix))];

    public static TreePath ObjectOf(TreePath source, TreePath objectDirectory) =>
        CompileAndLink.ObjectFileOf(source, "lib/", objectDirectory, ObjectNaming.ReplaceSuffix);
}

/// <summary>Writes <see cref="Header"/> from <see cref="Template"/>, replacing each <c>@NAME@</c> by its value; a
/// placeholder without a value fails the redo.</summary>
internal sealed class Configure : Tool<Configure>
{
    [Input.RegularFile] public required TreePath Template { get; init; }

    // Identical output keeps the old header, so its includers are not recompiled.
    [Output.RegularFile(ReplaceBySameContent = false)] public required TreePath Header { get; init; }

    [ExecutionParameter] public required IReadOnlyDictionary<string, string> Values { get; init; }

    protected override async Task<bool> RedoAsync(Configure result, RedoContext context)
    {
        var text = await File.ReadAllTextAsync(context.NativePathOf(Template));
        foreach (var (name, value) in Values)
            text = text.Replace("@" + name + "@", value, StringComparison.Ordinal);
        var left = text.IndexOf('@', StringComparison.Ordinal);
        if (left >= 0 && text.IndexOf('@', left + 1) > left)
            throw new RedoException($"{Template} has a placeholder without a value: '{text[left..(text.IndexOf('@', left + 1) + 1)]}'; add it to Values");
        using var t = context.Temporary(".h");
        await File.WriteAllTextAsync(context.NativePathOf(t.Path), text);
        context.ReplaceOutput(Header, t.Path);
        return false;
    }
}

/// <summary>Runs each case of <see cref="Cases"/> (<c>program | arguments | expected output</c>) and writes what each
/// gave to <see cref="Log"/>; any case whose output differs fails the redo, so no log claims a pass that did not happen.</summary>
internal sealed class RunTests : Tool<RunTests>
{
    [Input.RegularFile] public required TreePath Cases { get; init; }

    [Input.RegularFile(MinCount = 1)] public required IReadOnlyList<TreePath> Programs { get; init; }

    [Output.RegularFile] public required TreePath Log { get; init; }

    protected override async Task<bool> RedoAsync(RunTests result, RedoContext context)
    {
        var log = new StringBuilder();
        var failed = new List<string>();
        foreach (var line in await File.ReadAllLinesAsync(context.NativePathOf(Cases)))
        {
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            var fields = line.Split('|', 3, StringSplitOptions.TrimEntries);
            var program = Programs.Single(p => p.AsString().EndsWith("/" + fields[0], StringComparison.Ordinal));
            var output = await context.RunHelperWithOutputAsync(context.NativePathOf(program), fields[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
            var expected = fields[2].Replace("\\n", "\n", StringComparison.Ordinal) + "\n";
            var verdict = output.Output == expected ? "pass" : "FAIL";
            if (verdict == "FAIL")
                failed.Add($"{fields[0]} {fields[1]}: expected {expected.TrimEnd()}, got {output.Output.TrimEnd()}");
            log.Append(verdict).Append(": ").Append(fields[0]).Append(' ').Append(fields[1]).Append('\n');
        }
        if (failed.Count > 0)
            throw new RedoException($"{failed.Count} test case(s) of {Cases} failed:\n  | " + string.Join("\n  | ", failed));
        using var t = context.Temporary(".log");
        await File.WriteAllTextAsync(context.NativePathOf(t.Path), log.ToString());
        context.ReplaceOutput(Log, t.Path);
        return false;
    }
}
