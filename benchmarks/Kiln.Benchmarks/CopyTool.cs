using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Benchmarks;

/// <summary>As dlb's ATool, reduced to one input and one output regular file: copies the source to the object file.</summary>
public sealed class CopyTool : Tool<CopyTool>
{
    [Input.RegularFile] public required TreePath SourceFile { get; init; }
    [Output.RegularFile] public required TreePath ObjectFile { get; init; }

    protected override Task<bool> RedoAsync(CopyTool result, RedoContext context)
    {
        File.Copy(context.NativePathOf(SourceFile), context.NativePathOf(ObjectFile), overwrite: true);
        return Task.FromResult(false);
    }
}
