using System.CommandLine;

namespace Kiln.Cli.Build;

/// <summary>
/// <c>kiln init</c>: makes the current directory a working tree (<c>.kiln/</c> with <c>z</c> and a <c>.gitignore</c>) with a
/// starter <c>build.cs</c>, says each thing it created, adds what an existing tree lacks, and refuses inside another tree.
/// </summary>
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

    /// <summary>
    /// <c>.kiln/.gitignore</c>: everything in <c>.kiln/</c> is Kiln's and changes with every run (the run-database and its
    /// WAL, the lock, cached script assemblies, the run's records) except <c>z</c> (kept so that Git tracks the
    /// directory, as dlb's <c>.dlbroot/z</c>) and <c>u/</c> (assemblies the user adds to scripts' references).
    /// </summary>
    internal const string GitIgnore =
        """
        # Written by 'kiln init'. Everything in .kiln/ is Kiln's and changes with every run
        # (runs-*.sqlite*, lock, scripts/, trace.json, ...), except z (lets Git track .kiln/) and u/ (yours).
        *
        !.gitignore
        !z
        !u/
        !u/**

        """;

    public static Command Create(TextWriter output, TextWriter error)
    {
        var command = new Command("init", "Make the current directory a working tree: create .kiln/ (with a .gitignore) and a starter build.cs");
        command.SetAction(_ =>
        {
            var cwd = Directory.GetCurrentDirectory().TrimEnd('/');
            var existing = WorkingTreeRoot.Find(cwd);
            if (existing is not null && existing != cwd)
            {
                error.WriteLine($"error: already inside the working tree '{existing}/'\n" +
                    $"  | a '{WorkingTreeRoot.MarkerName}/' here would make '{cwd}/' a working tree of its own, which the outer one's builds cannot see into\n" +
                    $"  | build from the outer tree, or, to make a separate tree anyway: mkdir '{cwd}/{WorkingTreeRoot.MarkerName}'");
                return 1;
            }
            var marker = Path.Combine(cwd, WorkingTreeRoot.MarkerName);
            try
            {
                var created = new List<string>();
                void Create(string relative, string content)
                {
                    var path = Path.Combine(cwd, relative);
                    if (File.Exists(path))
                        return;
                    File.WriteAllText(path, content);
                    created.Add(relative);
                }
                if (!Directory.Exists(marker))
                {
                    Directory.CreateDirectory(marker);
                    created.Add(WorkingTreeRoot.MarkerName + "/");
                }
                Create(WorkingTreeRoot.MarkerName + "/z", "");
                Create(WorkingTreeRoot.MarkerName + "/.gitignore", GitIgnore);
                Create(ScriptName.Default, StarterFor(ProjectReferenceForEditors()));
                if (created.Contains(ScriptName.Default))
                    Create("README.md", "A Kiln working tree.\n");
                foreach (var path in created)
                    output.WriteLine($"created {path}");
                output.WriteLine(existing is null
                    ? $"initialised working tree {cwd}/; build with 'kiln build'"
                    : created.Count == 0
                        ? $"{cwd}/ is already a working tree; nothing to create"
                        : $"{cwd}/ was already a working tree; added what it lacked");
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

    /// <summary>
    /// The starter script, with a <c>#:project</c> line when <paramref name="project"/> is known: <c>kiln build</c> ignores
    /// <c>#:</c> lines (it references Kiln itself), but an editor's C# support and <c>dotnet run build.cs</c> read it to
    /// find Kiln's types.
    /// </summary>
    internal static string StarterFor(string? project) =>
        (project is null
            ? "// (An editor finds Kiln's types given a '#:project <kiln checkout>/src/Kiln.Contrib/Kiln.Contrib.csproj' line.)\n"
            : $"#:project {project}\n") + StarterScript;

    /// <summary>
    /// Kiln.Contrib's project file when this kiln runs from a build of a source checkout (found upwards from its own
    /// directory), else null: an installed tool carries assemblies, not projects.
    /// </summary>
    internal static string? ProjectReferenceForEditors()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var project = Path.Combine(dir.FullName, "src", "Kiln.Contrib", "Kiln.Contrib.csproj");
            if (File.Exists(project))
                return project;
        }
        return null;
    }
}
