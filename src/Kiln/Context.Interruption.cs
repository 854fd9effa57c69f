namespace Kiln;

// Interruption (SIGINT, SIGTERM): kiln's signal handler calls InterruptAll; the engine then starts no redo, kills the
// helpers of the running ones (their redos fail), and each root context commits what completed when it is left.
public sealed partial class Context
{
    // Set once, reset only between runs of the resident engine: every run of a process after an interruption is
    // interrupted from its start.
    private static volatile bool _allInterrupted;
    private static int _interruptedKept;
    private static int _interruptedNotRun;

    /// <summary>
    /// Interrupts every run of this process, open or entered later (kiln's SIGINT and SIGTERM handler): starts throw
    /// <see cref="OperationCanceledException"/>, no waiting or queued redo starts, running helpers are killed (with
    /// their descendants). Leaving a root context still commits the redos that completed, as a failed run.
    /// </summary>
    internal static void InterruptAll()
    {
        _allInterrupted = true;
        lock (OpenRoots)
        {
            foreach (var root in OpenRoots)
                root._run.Interrupt();
        }
    }

    /// <summary>Forgets an interruption (the resident engine, before each run: a run starts as in a process of its own).</summary>
    internal static void ResetInterruption()
    {
        _allInterrupted = false;
        Volatile.Write(ref _interruptedKept, 0);
        Volatile.Write(ref _interruptedNotRun, 0);
    }

    /// <summary>Over the interrupted runs of this process: redos completed (and committed), and redos due that did not complete.</summary>
    internal static (int Kept, int NotRun) InterruptedRedos => (Volatile.Read(ref _interruptedKept), Volatile.Read(ref _interruptedNotRun));

    private static void CountIfInterrupted(RunState run)
    {
        if (!run.IsInterrupted)
            return;
        Interlocked.Add(ref _interruptedKept, run.RedoCount);
        Interlocked.Add(ref _interruptedNotRun, run.RedosDue - run.RedoCount);
    }
}
