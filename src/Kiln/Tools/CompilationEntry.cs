namespace Kiln.Tools;

/// <summary>
/// One compile as an entry of a compilation database (clang's <c>compile_commands.json</c>).
/// </summary>
/// <param name="Directory">Absolute working directory of the compiler process.</param>
/// <param name="Arguments">The argument vector, the compiler executable first.</param>
/// <param name="File">The source file, relative to <paramref name="Directory"/> or absolute.</param>
/// <param name="Output">The output file, relative to <paramref name="Directory"/> or absolute.</param>
public sealed record CompilationEntry(string Directory, IReadOnlyList<string> Arguments, string File, string Output);
