using System.CommandLine;
using Kiln.Cli.Jit;

namespace Kiln.Cli;

/// <summary>The <c>kiln</c> command tree. Each face adds its commands here (today: <c>jit</c>).</summary>
internal static class KilnCli
{
    /// <summary>Parses and runs <paramref name="args"/>; returns the exit status.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
        var root = new RootCommand("kiln: explicit builds and a JIT cache of C/C++ shared libraries for .NET");
        root.Add(JitCommands.Create(output, error));
        var parse = root.Parse(args);
        return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
    }
}
