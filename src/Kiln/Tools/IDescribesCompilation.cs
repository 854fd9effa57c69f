namespace Kiln.Tools;

/// <summary>
/// A tool that compiles one source file. Every instance started in a run (redone or not) contributes its entry
/// to the run's compilation database, <c>.kiln/compile_commands.json</c>, which clangd and other tools read.
/// </summary>
public interface IDescribesCompilation
{
    /// <summary>The compile this instance performs (without temporary files), in the active context.</summary>
    CompilationEntry DescribeCompilation();
}
