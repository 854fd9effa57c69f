using System.CommandLine;
using Kiln.Platform.Command;

namespace Kiln.Cli.Build;

/// <summary>
/// <c>kiln init</c>: makes the current directory a working tree (<c>.kiln/</c> with <c>z</c> and a <c>.gitignore</c>) with a
/// starter <c>build.cs</c>, says each thing it created, adds what an existing tree lacks, and refuses inside another tree.
/// </summary>
internal static class InitCommand
{
    internal const string StarterScript =
        """
        // Kiln build script: `kiln build` runs it (`kiln` repeats the last build; `kiln explain` says why each redo ran).
        // It compiles every .c file under src/ with gcc, in parallel, and links them into build/app.
        // To grow it: put options all compiles share into `common`; add IncludeDirectories = ["include/"] there; give
        // the link Libraries = ["m"]; start more tools (Archive, LinkSharedLibrary, CompileCxx, a Tool<T> class of
        // your own) — a tool instance is redone only when its inputs or options change. See docs/contrib.md.
        using Kiln;
        using Kiln.Contrib;

        using var context = new Context(maxParallelRedoCount: Environment.ProcessorCount);
        var common = new CompileSettings { Standard = "c17", Optimization = "2", Warnings = ["all", "extra"] };
        CompileAndLink.Start("src/", ".c", "build/obj/",
            (source, obj) => new CompileC(common) { SourceFile = source, ObjectFile = obj },
            objects => new LinkExecutable { ObjectFiles = objects, LinkedFile = "build/app" },
            ObjectNaming.ReplaceSuffix);

        """;

    /// <summary>The program the starter builds when the directory has no <c>src/</c> yet.</summary>
    internal const string StarterProgram =
        """
        #include <stdio.h>

        int main(void)
        {
            puts("hello from kiln");
            return 0;
        }

        """;

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
                if (created.Contains(ScriptName.Default) && !Directory.Exists(Path.Combine(cwd, "src")))
                {
                    Directory.CreateDirectory(Path.Combine(cwd, "src"));
                    Create("src/main.c", StarterProgram);
                }
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
