using System.CommandLine;
using Kiln.Cli.Build;
using Kiln.Cli.Cache;
using Kiln.Cli.Jit;
using Kiln.Cli.Server;

namespace Kiln.Cli;

/// <summary>
/// The <c>kiln</c> command tree. <c>kiln build …</c> and <c>kiln</c> alone are dispatched before parsing, so that
/// the script's arguments reach it exactly as given (System.CommandLine would interpret options among them);
/// the <c>build</c> command is still declared for help and completion.
/// </summary>
/// <remarks>Exit status: 0 success; 1 build, script or cache error; 2 usage.</remarks>
internal static class KilnCli
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the exit status.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        try
        {
            return Dispatch(args, output, error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The last net for I/O failures outside the build script (whose errors are rendered by ScriptFailure):
            // one error line, never an unhandled exception's stack trace.
            error.WriteLine($"error: {e.Message.TrimEnd()}\n  | check that the working tree is readable and writable and its file system not full, and run again");
            return 1;
        }
    }

    private static int Dispatch(string[] args, TextWriter output, TextWriter error)
    {
        if (args.Length == 0)
            return BuildCommand.Run([], fromHistory: true, output, error);
        if (args[0] == "build" && !BuildCommand.AsksForHelp(args[1..]))
            return BuildCommand.Run(args[1..], fromHistory: false, output, error);
        if (args[0] == "build")
            args = ["build", "--help"];

        var root = new RootCommand(
            "kiln: explicit, explainable builds with C# build scripts, and a JIT cache of C/C++ shared libraries for .NET.\n" +
            "Without arguments: repeat the last successful 'kiln build' of this working tree.\n" +
            "Build options (-v, -j N, -k, --explain) go after 'build': see 'kiln build --help'.");
        var build = new Command("build", "Run a C# build script (default build.cs) in the root of the working tree that contains the current directory")
        {
            new Option<bool>("--verbose", "-v") { Description = "Show full stack traces of script errors and every helper command line" },
            new Option<int>("--jobs", "-j") { Description = "Redos of the root context that may run at once (overrides the script's)" },
            new Option<bool>("--keep-going", "-k") { Description = "Go on starting redos after one failed; report every failure at the end" },
            new Option<bool>("--explain") { Description = "Say for every tool instance why it is redone or why not" },
            new Argument<string>("script") { Description = "Script path relative to the root ('.cs' appended if missing)", Arity = ArgumentArity.ZeroOrOne },
            new Argument<string[]>("script-arguments") { Description = "Arguments passed to the script", Arity = ArgumentArity.ZeroOrMore },
        };
        root.Add(build);
        root.Add(InitCommand.Create(output, error));
        root.Add(ExplainCommand.Create(output, error));
        root.Add(CleanCommand.Create(output, error));
        root.Add(RunFileCommands.CreateCompilationDatabase(output, error));
        root.Add(RunFileCommands.CreateTrace(output, error));
        root.Add(JitCommands.Create(output, error));
        root.Add(CacheCommands.Create(output, error));
        root.Add(ServerCommand.Create(output, error));
        var parse = root.Parse(args);
        if (parse.Errors.Count > 0 && args[0].StartsWith('-'))
        {
            // An option before any command: System.CommandLine says "Required command was not provided", which is
            // wrong for kiln (bare 'kiln' is valid: it repeats the last build).
            error.WriteLine($"error: unknown option {Kiln.Paths.TreePath.Quote(args[0])}\n  | options of a build go after 'build' ('kiln build --help'); see 'kiln --help'");
            return 2;
        }
        if (parse.Errors.Count > 0)
        {
            foreach (var e in parse.Errors)
                error.WriteLine("error: " + e.Message);
            error.WriteLine("  | see 'kiln --help'");
            return 2;
        }
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }
}
