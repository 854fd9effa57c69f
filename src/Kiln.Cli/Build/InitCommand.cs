using System.CommandLine;

namespace Kiln.Cli.Build;

/// <summary><c>kiln init</c>: makes the current directory a working tree with a starter <c>build.cs</c>.</summary>
internal static class InitCommand
{
    internal const string StarterScript =
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

    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("init", "Make the current directory a working tree: create .kiln/ and a starter build.cs");
        command.SetAction(_ =>
        {
            var cwd = Directory.GetCurrentDirectory();
            var marker = Path.Combine(cwd, WorkingTreeRoot.MarkerName);
            var script = Path.Combine(cwd, ScriptName.Default);
            try
            {
                Directory.CreateDirectory(marker);
                File.WriteAllText(Path.Combine(marker, "z"), "");
                if (File.Exists(script))
                {
                    output.WriteLine($"kept existing {ScriptName.Default}");
                }
                else
                {
                    File.WriteAllText(script, StarterScript);
                    output.WriteLine($"created {ScriptName.Default}");
                }
                if (!File.Exists(Path.Combine(cwd, "README.md")))
                    File.WriteAllText(Path.Combine(cwd, "README.md"), "A Kiln working tree.\n");
                output.WriteLine($"initialised working tree {cwd}/ (marker {WorkingTreeRoot.MarkerName}/); build with 'kiln build'");
                return 0;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                error.WriteLine($"error: cannot initialise a working tree in '{cwd}'\n  | reason: {e.Message}");
                return 1;
            }
        });
        return command;
    }
}
