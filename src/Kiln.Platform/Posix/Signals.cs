namespace Kiln.Platform.Posix;

/// <summary>Signals sent with <c>kill(2)</c>.</summary>
internal static class Signals
{
    /// <summary>SIGKILL to this process (crash tests: no handler, no flush, like a power cut to the process);
    /// returns only if kill(2) failed.</summary>
    public static void KillThisProcess() => _ = Libc.Kill(Environment.ProcessId, Libc.SIGKILL);
}
