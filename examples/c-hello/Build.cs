using Kiln;
using Kiln.Paths;
using Kiln.Tools;

// Builds src/main.c into build/hello with gcc: one compile (headers found by gcc -MMD become non-explicit
// inputs) and one link. Run from this directory (it holds .kiln/): `dotnet run`, twice — the second run
// redoes nothing.
var root = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
try
{
    using var context = new Context(maxParallelRedoCount: 2, rootPath: root);
    // Helpers see only the context's environment; gcc needs PATH to find as and ld.
    context.Env.ImportFromOuter("PATH", ".+", "/usr/bin");
    var compiled = new CompileC { SourceFile = "src/main.c", ObjectFile = "build/main.o" }.Start();
    new LinkC { ObjectFiles = [compiled.Result.ObjectFile], LinkedFile = "build/hello" }.Start();
}
catch (Kiln.Diagnostics.KilnException e)
{
    Console.Error.WriteLine("C " + e.Message);
    return 1;
}
Console.Error.WriteLine("I finished successfully");
return 0;

/// <summary>Compiles one C source with gcc; the headers it reads become non-explicit inputs.</summary>
internal sealed class CompileC : Tool<CompileC>
{
    [ExecutionParameter] public string[] Flags { get; init; } = ["-O2", "-Wall"];
    [Input.RegularFile] public required TreePath SourceFile { get; init; }
    [Output.RegularFile(ReplaceBySameContent = false)] public required TreePath ObjectFile { get; init; }
    [Input.RegularFile(Explicit = false)] public IReadOnlyList<TreePath>? IncludedFiles { get; set; }

    protected override async Task<bool> RedoAsync(CompileC result, RedoContext context)
    {
        using var obj = context.Temporary(".o");
        using var dep = context.Temporary(".d");
        await context.RunHelperAsync("gcc", [.. Flags, "-c", "-o", obj.Path, "-MMD", "-MT", "_", "-MF", dep.Path, SourceFile]);
        // The depfile is "_: src/main.c src/greeting.h" with backslash line continuations.
        var rule = File.ReadAllText(context.NativePathOf(dep.Path)).Replace("\\\n", " ");
        result.IncludedFiles = [.. rule[(rule.IndexOf(':') + 1)..]
            .Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)
            .Skip(1)
            .Where(p => !p.StartsWith('/'))
            .Select(p => TreePath.Parse(p))];
        context.ReplaceOutput(ObjectFile, obj.Path);
        return false;
    }
}

/// <summary>Links objects into an executable with gcc.</summary>
internal sealed class LinkC : Tool<LinkC>
{
    [Input.RegularFile(MinCount = 1)] public required IReadOnlyList<TreePath> ObjectFiles { get; init; }
    [Output.RegularFile] public required TreePath LinkedFile { get; init; }

    protected override async Task<bool> RedoAsync(LinkC result, RedoContext context)
    {
        using var exe = context.Temporary();
        await context.RunHelperAsync("gcc", ["-o", exe.Path, .. ObjectFiles]);
        context.ReplaceOutput(LinkedFile, exe.Path);
        return false;
    }
}
