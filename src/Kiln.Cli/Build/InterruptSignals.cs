using System.Runtime.InteropServices;

namespace Kiln.Cli.Build;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM while a build script runs. The first interrupts the engine's runs
/// (<see cref="Context.InterruptAll"/>): no more redos start, helpers are killed, the root context commits the redos
/// that completed and removes its temporaries, and <c>kiln</c> then prints one line and exits with
/// <see cref="ExitStatus"/>. A second one exits at once, without waiting for anything (a redo that does not end by
/// itself), as the kernel releases <c>.kiln/lock</c> and the next run redoes what was not committed.
/// </summary>
internal sealed class InterruptSignals : IDisposable
{
    /// <summary>128 + SIGINT, what a shell reports for a command ended by Ctrl-C.</summary>
    public const int ExitStatus = 130;

    private readonly TextWriter _error;
    private readonly PosixSignalRegistration _interrupt;
    private readonly PosixSignalRegistration _terminate;
    private int _count;

    public InterruptSignals(TextWriter error)
    {
        _error = error;
        _interrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, Handle);
        _terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, Handle);
    }

    /// <summary>Whether a signal came.</summary>
    public bool Requested => Volatile.Read(ref _count) > 0;

    /// <summary>Prints the one line of an interrupted build and gives the exit status.</summary>
    public int Report()
    {
        var (kept, notRun) = Context.InterruptedRedos;
        _error.WriteLine($"interrupted: {kept} redo(s) completed and kept, {notRun} not run");
        return ExitStatus;
    }

    // Called on a thread of its own (the runtime's), never in a signal handler proper: taking locks and writing is safe.
    private void Handle(PosixSignalContext context)
    {
        context.Cancel = true;
        if (Interlocked.Increment(ref _count) == 1)
        {
            Context.InterruptAll();
            return;
        }
        _error.WriteLine("interrupted again: exited at once; what the run had not committed is redone next run");
        _error.Flush();
        Environment.Exit(ExitStatus);
    }

    public void Dispose()
    {
        _interrupt.Dispose();
        _terminate.Dispose();
    }
}
