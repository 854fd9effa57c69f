using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Scenarios.Tests;

/// <summary>dlb's ATool: copies the source to the object file.</summary>
public sealed class ATool : Tool<ATool>
{
    [Input.RegularFile] public required TreePath SourceFile { get; init; }
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }
    [Input.Directory(Required = false, MinCount = 0)] public IReadOnlyList<TreePath>? IncludeDirectories { get; init; }
    [Input.NonRegularFile(Required = false)] public TreePath? DummyFile { get; init; }
    [Output.Directory(Required = false)] public TreePath? DummyDir { get; init; }

    protected override async Task<bool> RedoAsync(ATool result, RedoContext context)
    {
        using var t = context.Temporary();
        await File.WriteAllTextAsync(context.NativePathOf(t.Path), File.ReadAllText(context.NativePathOf(SourceFile)));
        context.ReplaceOutput(ObjectFile, t.Path);
        if (DummyDir is not null)
            Directory.CreateDirectory(context.NativePathOf(DummyDir));
        return false;
    }
}

/// <summary>dlb's FTool: its redo declares a.h and b.h as non-explicit inputs.</summary>
public sealed class FTool : Tool<FTool>
{
    [Input.RegularFile] public required TreePath SourceFile { get; init; }
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }
    [Input.RegularFile(Explicit = false)] public IReadOnlyList<TreePath>? IncludedFiles { get; set; }

    protected override Task<bool> RedoAsync(FTool result, RedoContext context)
    {
        File.WriteAllText(context.NativePathOf(ObjectFile), "o");
        result.IncludedFiles = ["a.h", "b.h"];
        return Task.FromResult(false);
    }
}
