using Kiln.Diagnostics;

namespace Kiln;

/// <summary>
/// Settings of a run, as dlb's <c>dlb.cf</c>: read when the root context is entered.
/// </summary>
public sealed class Configuration
{
    private TimeSpan _maxDependencyAge = TimeSpan.FromDays(30);

    /// <summary>The settings used by root contexts that are given none.</summary>
    public static Configuration Default { get; private set; } = new();

    /// <summary>A new default configuration (the resident engine, before each run: a run starts as in a process of its own).</summary>
    internal static void ResetDefault() => Default = new();

    /// <summary>
    /// Runs older than this are forgotten when a root context is entered, and with them what their redos
    /// remembered: every tool instance is redone at least once per this age. Default 30 days.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan MaxDependencyAge
    {
        get => _maxDependencyAge;
        set
        {
            if (value <= TimeSpan.Zero)
                throw new ArgumentOutOfRangeException(nameof(value), "'MaxDependencyAge' must be positive");
            _maxDependencyAge = value;
        }
    }

    /// <summary>If positive, a successful root context prints a summary of this many previous runs and itself. Default 0.</summary>
    public int LatestRunSummaryMaxCount { get; set; }

    /// <summary>Where messages go. Default: <see cref="DiagnosticLog.Default"/> (standard error).</summary>
    public DiagnosticLog Log { get; set; } = DiagnosticLog.Default;

    /// <summary>The level of each message category.</summary>
    public MessageCategoryLevels Levels { get; } = new();

    /// <summary>Whether helpers' uncaptured output goes to this process's streams by default. Default true.</summary>
    public bool HelperInheritsOutputByDefault { get; set; } = true;

    /// <summary>Called (on any thread) when a redo starts or completes; the <c>kiln</c> command draws its progress line from it.</summary>
    public Action<RedoProgress>? Progress { get; set; }

    /// <summary>
    /// Called (on the redo's thread) when a redo fails, with what it threw, in the order they fail; <c>kiln build</c>
    /// reports every failure of a run at its end from it. Not called for an interrupted run.
    /// </summary>
    public Action<Exception>? RedoFailed { get; set; }

    /// <summary>Called when a root context is left successfully, with the run's figures.</summary>
    public Action<Store.RunSummary>? RunCompleted { get; set; }

    /// <summary>
    /// Whether helpers may colour their diagnostics (<see cref="Tools.RedoContext.ColorDiagnostics"/>): <c>kiln build</c>
    /// sets it when its standard error is a terminal that takes colour (not piped, <c>NO_COLOR</c> unset, <c>TERM</c>
    /// not <c>dumb</c>). Default false.
    /// </summary>
    public bool ColorDiagnostics { get; set; }

    /// <summary>
    /// When set, the redos of the root context that may run at once, whatever the script asked for (<c>kiln build -j N</c>,
    /// as <c>make -j</c> and <c>ninja -j</c>); inner contexts keep their own. At least 1.
    /// </summary>
    public int? ParallelRedoLimit
    {
        get => _parallelRedoLimit;
        set => _parallelRedoLimit = value is < 1 ? throw new ArgumentOutOfRangeException(nameof(value), "'ParallelRedoLimit' must be at least 1") : value;
    }

    private int? _parallelRedoLimit;

    /// <summary>
    /// After a redo failed, whether redos waiting for a slot and later starts still run (<c>kiln build -k</c>, as
    /// <c>make -k</c>), and every failure of the run is reported when the context is left, not only the first.
    /// Default false: once a redo failed, no further redo is started (those running complete), as ninja does.
    /// </summary>
    public bool KeepGoing { get; set; }

    /// <summary>
    /// Whether a start that decides no redo is needed says so, with what it checked (<c>kiln build --explain</c>); a
    /// redo's reason is always given. Default false.
    /// </summary>
    public bool ExplainUpToDate { get; set; }

    /// <summary>The shared output cache of redos of cacheable tools (off by default; docs/cache.md).</summary>
    public ActionCacheSettings ActionCache { get; } = new();

    /// <summary>
    /// What the script run observes outside redos, written as <c>.kiln/configuration-1.json</c> (set by the <c>kiln</c>
    /// command for each script run; null: nothing is recorded).
    /// </summary>
    internal ConfigurationRecord? Record { get; set; }

    /// <summary>The clock (a fake one in tests).</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>How long leaving a root context may wait for the working-tree time to advance. Default 10 s.</summary>
    public TimeSpan WorkingTreeTimeLimit { get; set; } = TimeSpan.FromSeconds(10);
}
