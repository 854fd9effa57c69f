using System.Runtime.CompilerServices;

namespace Kiln.Diagnostics;

/// <summary>
/// The level of the messages the engine outputs, per category (a port of dlb's <c>dlb.cf.level</c>).
/// Lower a category's level below <see cref="DiagnosticLog.Threshold"/> to hide its messages, raise it to show them.
/// </summary>
/// <remarks>Defaults are dlb's. Every level must be positive; assigning another value throws
/// <see cref="ArgumentOutOfRangeException"/>.</remarks>
public sealed class MessageCategoryLevels
{
    private Level _runPreparation = Level.Debug + 3;
    private Level _runSerialization = Level.Info;
    private Level _redoNecessityCheck = Level.Debug + 3;
    private Level _redoReason = Level.Info;
    private Level _redoSuspiciousReason = Level.Warning;
    private Level _redoPreparation = Level.Debug + 5;
    private Level _redoStart = Level.Info;
    private Level _redoAftermath = Level.Debug + 5;
    private Level _helperExecution = Level.Debug + 7;
    private Level _outputFilesystemObjectReplacement = Level.Info;
    private Level _runSummary = Level.Info;

    /// <summary>Preparing a tool instance for a run: identity, fingerprint (default <c>Debug + 3</c>).</summary>
    public Level RunPreparation
    {
        get => _runPreparation;
        set => _runPreparation = Checked(value);
    }

    /// <summary>Waiting for the pending redo of the same tool instance to complete (default <see cref="Level.Info"/>).</summary>
    public Level RunSerialization
    {
        get => _runSerialization;
        set => _runSerialization = Checked(value);
    }

    /// <summary>Checking whether a redo is necessary (default <c>Debug + 3</c>).</summary>
    public Level RedoNecessityCheck
    {
        get => _redoNecessityCheck;
        set => _redoNecessityCheck = Checked(value);
    }

    /// <summary>Why a redo is necessary (default <see cref="Level.Info"/>).</summary>
    public Level RedoReason
    {
        get => _redoReason;
        set => _redoReason = Checked(value);
    }

    /// <summary>A reason for a redo that hints at a problem, e.g. an invalid path in the run-database
    /// (default <see cref="Level.Warning"/>).</summary>
    public Level RedoSuspiciousReason
    {
        get => _redoSuspiciousReason;
        set => _redoSuspiciousReason = Checked(value);
    }

    /// <summary>Preparing a redo: removing filesystem objects that obstruct explicit outputs (default <c>Debug + 5</c>).</summary>
    public Level RedoPreparation
    {
        get => _redoPreparation;
        set => _redoPreparation = Checked(value);
    }

    /// <summary>Starting a redo (default <see cref="Level.Info"/>).</summary>
    public Level RedoStart
    {
        get => _redoStart;
        set => _redoStart = Checked(value);
    }

    /// <summary>What happens after a redo: collecting dependencies, storing the state in the run-database (default <c>Debug + 5</c>).</summary>
    public Level RedoAftermath
    {
        get => _redoAftermath;
        set => _redoAftermath = Checked(value);
    }

    /// <summary>Running a helper executable: its arguments and environment (default <c>Debug + 7</c>).</summary>
    public Level HelperExecution
    {
        get => _helperExecution;
        set => _helperExecution = Checked(value);
    }

    /// <summary>Replacing (or keeping) an output filesystem object (default <see cref="Level.Info"/>).</summary>
    public Level OutputFilesystemObjectReplacement
    {
        get => _outputFilesystemObjectReplacement;
        set => _outputFilesystemObjectReplacement = Checked(value);
    }

    /// <summary>The summary of the latest runs at the end of a successful run (default <see cref="Level.Info"/>).</summary>
    public Level RunSummary
    {
        get => _runSummary;
        set => _runSummary = Checked(value);
    }

    private static Level Checked(Level value, [CallerMemberName] string category = "")
    {
        if ((int)value <= 0)
            throw new ArgumentOutOfRangeException(nameof(value), $"'{category}' must be positive");
        return value;
    }
}
