namespace Kiln.Cli.Tests.Build;

/// <summary>
/// A build script with one copying tool and no compiler, for tests of the command around a script (output, explain,
/// clean): a copy costs no gcc. It was the starter of <c>kiln init</c> before the starter compiled C.
/// </summary>
internal static class CopyScript
{
    public const string Text =
        """
        // Kiln build script: run it with `kiln build` (or `kiln` to repeat the last build).
        using Kiln;
        using Kiln.Paths;
        using Kiln.Tools;

        using (var context = new Context(maxParallelRedoCount: Environment.ProcessorCount))
        {
            // Helpers (compilers) see only the context's environment; import what they need.
            context.Env.ImportFromOuter("PATH", ".+", "/usr/bin");
            new Copy { Source = "README.md", Destination = "build/README.md" }.Start();
        }

        /// <summary>An example tool: copies one file.</summary>
        sealed class Copy : Tool<Copy>
        {
            [Input.RegularFile] public required TreePath Source { get; init; }
            [Output.RegularFile] public required TreePath Destination { get; init; }

            protected override async Task<bool> RedoAsync(Copy result, RedoContext context)
            {
                using var t = context.Temporary();
                await File.WriteAllBytesAsync(context.NativePathOf(t.Path), await File.ReadAllBytesAsync(context.NativePathOf(Source)));
                context.ReplaceOutput(Destination, t.Path);
                return false;
            }
        }

        """;
}
