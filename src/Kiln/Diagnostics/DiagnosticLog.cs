namespace Kiln.Diagnostics;

/// <summary>
/// Hierarchical, indented diagnostic messages in dlb's format (skeleton: implementation pending).
/// </summary>
public sealed class DiagnosticLog
{
    /// <summary>Creates a log that writes to <paramref name="output"/>.</summary>
    public DiagnosticLog(TextWriter output, TimeProvider? timeProvider = null)
    {
        Output = output;
        _ = timeProvider;
    }

    /// <summary>The process-wide log: standard error, threshold <see cref="Level.Info"/>.</summary>
    public static DiagnosticLog Default { get; } = new(Console.Error);

    /// <summary>Messages below this level are suppressed.</summary>
    public Level Threshold { get; set; } = Level.Info;

    /// <summary>Where messages go.</summary>
    public TextWriter Output { get; private set; }

    /// <summary>Replaces the output and returns the previous one.</summary>
    public TextWriter SetOutput(TextWriter output)
    {
        var previous = Output;
        Output = output;
        return previous;
    }

    /// <summary>Whether a message of <paramref name="level"/> would be output.</summary>
    public bool IsUnsuppressed(Level level) => level >= Threshold;

    /// <summary>Outputs a message; returns whether it was output.</summary>
    public bool Inform(string message, Level level = Level.Info, bool withTime = false, params IEnumerable<object?> data)
    {
        if (!IsUnsuppressed(level))
            return false;
        Output.WriteLine(message);
        _ = withTime;
        _ = data;
        return true;
    }
}
