namespace Kiln.Cli.Server;

/// <summary>
/// Fresh process-wide state for each run of the engine, as a process of its own would start with: the default
/// configuration and log (the log binds standard error and reads <c>KILN_VERBOSE</c> when made), and the
/// interruption state of contexts (an interrupted run would otherwise interrupt every later one). The script itself
/// is loaded into a collectible context of its own for each run (<c>ScriptLoadContext</c>), so nothing of a previous
/// script's statics is seen. What stays warm is code and caches keyed by content (compiled scripts, references).
/// </summary>
internal static class RunIsolation
{
    /// <summary>Resets the state; call after the run's standard streams and environment are in place.</summary>
    public static void Reset()
    {
        Diagnostics.DiagnosticLog.ResetDefault();
        Configuration.ResetDefault();
        Context.ResetInterruption();
    }
}
