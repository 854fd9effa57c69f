namespace Kiln.Cli.Build;

/// <summary>
/// Whether standard error is a terminal, and its width: this process's own, or (in the resident engine) those of
/// the client the run is for, whose streams the engine only sees through pipes.
/// </summary>
/// <param name="ErrorIsTerminal">Whether standard error is a terminal.</param>
/// <param name="Width">Columns of the terminal; null: ask the console.</param>
internal sealed record TerminalFacts(bool ErrorIsTerminal, int? Width)
{
    /// <summary>The facts of the run in progress (set by the engine for each run).</summary>
    public static TerminalFacts Current { get; set; } = OfThisProcess();

    /// <summary>The facts of this process's own standard error.</summary>
    public static TerminalFacts OfThisProcess() => new(!Console.IsErrorRedirected, null);

    /// <summary>The width to draw for: under some pseudo-terminals it is unknown (0), then 80 columns.</summary>
    public int Columns
    {
        get
        {
            var width = Width ?? Console.WindowWidth;
            return width >= 20 ? width : 80;
        }
    }
}
