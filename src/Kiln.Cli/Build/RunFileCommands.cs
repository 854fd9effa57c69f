using System.CommandLine;
using Kiln.Platform.Command;

namespace Kiln.Cli.Build;

/// <summary>
/// <c>kiln compdb</c> (prints or exports <c>.kiln/compile_commands.json</c> of the last run) and <c>kiln trace</c>
/// (prints the path of <c>.kiln/trace.json</c>, the Chrome Trace Event file of the last run's redos).
/// </summary>
internal static class RunFileCommands
{
    public static Command CreateCompilationDatabase(TextWriter output, TextWriter error)
    {
        var to = new Option<string?>("--output", "-o") { Description = "Write the database to this file (e.g. compile_commands.json in the root for clangd) instead of printing it" };
        var command = new Command("compdb", "Print the compilation database (compile_commands.json) of the last run") { to };
        command.SetAction(p => WithFile(RunFileName.CompilationDatabase, output, error, path =>
        {
            var destination = p.GetValue(to);
            if (destination is null)
            {
                output.Write(File.ReadAllText(path));
                return 0;
            }
            Kiln.Platform.Files.AtomicFile.Write(destination, File.ReadAllBytes(path));
            output.WriteLine($"wrote {destination}");
            return 0;
        }));
        return command;
    }

    public static Command CreateTrace(TextWriter output, TextWriter error)
    {
        var command = new Command("trace", "Print the path of the last run's trace (Chrome Trace Event JSON; open it in Perfetto)");
        command.SetAction(_ => WithFile(RunFileName.Trace, output, error, path =>
        {
            output.WriteLine(path);
            return 0;
        }));
        return command;
    }

    private enum RunFileName
    {
        CompilationDatabase,
        Trace,
    }

    private static int WithFile(RunFileName which, TextWriter output, TextWriter error, Func<string, int> action)
    {
        var root = WorkingTreeRoot.Find(Directory.GetCurrentDirectory());
        if (root is null)
        {
            error.WriteLine($"error: current working directory not in a kiln working tree (no '{WorkingTreeRoot.MarkerName}' found)");
            return 1;
        }
        var name = which == RunFileName.CompilationDatabase ? "compile_commands.json" : "trace.json";
        var path = Path.Combine(root, WorkingTreeRoot.MarkerName, name);
        if (!File.Exists(path))
        {
            error.WriteLine($"error: no {name} yet in '{root}/{WorkingTreeRoot.MarkerName}/'\n  | it is written by 'kiln build'{(which == RunFileName.CompilationDatabase ? " when the build compiles C or C++ with Kiln.Contrib tools" : "")}");
            return 1;
        }
        try
        {
            return action(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
