namespace Kiln.Toolchain;

/// <summary>
/// One compile as a compilation database entry (clang's <c>compile_commands.json</c>): the working directory,
/// the complete argument vector (executable first), the source file and the output file, each as the fields
/// <c>directory</c>, <c>arguments</c>, <c>file</c>, <c>output</c> of that format.
/// </summary>
/// <param name="Directory">Absolute working directory of the compiler process.</param>
/// <param name="Arguments">The argument vector, the compiler executable first.</param>
/// <param name="File">The source file, relative to <paramref name="Directory"/> or absolute.</param>
/// <param name="Output">The output file, relative to <paramref name="Directory"/> or absolute.</param>
public sealed record CompileCommand(string Directory, IReadOnlyList<string> Arguments, string File, string Output)
{
    /// <summary>The argument vector as one POSIX shell command line (words quoted where needed).</summary>
    public string CommandLine => Kiln.Platform.Text.ShellQuoting.Join(Arguments);

    /// <summary>Quotes <paramref name="word"/> for a POSIX shell when it contains anything but safe characters.</summary>
    /// <param name="word">One argument.</param>
    public static string QuoteForShell(string word)
    {
        ArgumentNullException.ThrowIfNull(word);
        return Kiln.Platform.Text.ShellQuoting.Word(word);
    }
}
