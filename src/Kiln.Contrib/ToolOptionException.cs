using Kiln.Diagnostics;

namespace Kiln.Contrib;

/// <summary>
/// An option of a contrib tool was given a value the tool cannot turn into its one argument. Thrown where the
/// option is set (in the object initializer), before anything runs:
/// <c>invalid value for option 'Optimization' of CompileC: '-O2'</c> + <c>  | reason: …</c>.
/// </summary>
public sealed class ToolOptionException : KilnException
{
    /// <summary>Creates the error for option <paramref name="option"/> of <paramref name="tool"/>.</summary>
    /// <param name="tool">The tool class.</param>
    /// <param name="option">The option (property) name.</param>
    /// <param name="value">The rejected value, as text.</param>
    /// <param name="reason">Why it is rejected and what to write instead.</param>
    public ToolOptionException(Type tool, string option, string value, string reason)
        : base($"invalid value for option '{option}' of {tool?.Name}: {Paths.TreePath.Quote(value)}\n  | reason: {reason}")
    {
        Option = option;
    }

    /// <summary>The option (property) name.</summary>
    public string Option { get; }
}
