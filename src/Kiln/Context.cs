using Kiln.Diagnostics;
using Kiln.Paths;
using Kiln.Scheduling;
using Kiln.Store;
using Kiln.WorkingTree;

namespace Kiln;

/// <summary>
/// An execution context. The first one created (with no context active) is the root context: it enters the
/// working tree (locks it, repairs <c>.kiln/</c>, opens the run-database); contexts created while one is active
/// are inner contexts. Tool instances are started in the active (innermost) context. Disposing a context waits
/// for the redos started in it and rethrows the first failure; disposing the root context also waits until
/// the working-tree time has advanced, so that later edits always get a different mtime.
/// </summary>
/// <example>
/// <code>
/// using (var context = new Context(maxParallelRedoCount: 2))
/// {
///     new Replacer { TemplateFile = "src/main.c.tmpl", OutputFile = "build/out/main.c" }.Start();
/// }
/// </code>
/// </example>
public sealed partial class Context : IDisposable
{
    private static readonly AsyncLocal<Context?> ActiveContext = new();

    // Set in the async flow of each redo (which inherits the context it was started in): a redo must neither
    // enter a context nor modify the active one, since both first wait for the pending redos — its own included.
    private static readonly AsyncLocal<bool> InRedo = new();

    private readonly RunState _run;
    private readonly RedoScheduler _scheduler;
    private readonly nint _exceptionAtEntry;
    private bool _disposed;

    /// <summary>Enters a new context: the root context when none is active, else an inner context of the active one.</summary>
    /// <param name="maxParallelRedoCount">Redos of this context that may run at once (not inherited; at least 1); for a root context, <see cref="Configuration.ParallelRedoLimit"/> overrides it when set.</param>
    /// <param name="configuration">Settings of the run (root context only).</param>
    /// <param name="rootPath">Working tree root (root context only; default: the current directory).</param>
    /// <exception cref="NoWorkingTreeException">The root is not a working tree.</exception>
    /// <exception cref="ManagementTreeException">The working tree is locked by another run, or <c>.kiln/</c> cannot be set up.</exception>
    public Context(int maxParallelRedoCount = 1, Configuration? configuration = null, string? rootPath = null)
        : this(maxParallelRedoCount, configuration, rootPath, PosixFileSystem.Instance, SystemProcessRunner.Instance)
    {
    }

    /// <summary>
    /// The seam for tests: a root context on <paramref name="fs"/> and <paramref name="processRunner"/> (fakes), with the
    /// clock of <see cref="Configuration.Time"/>. The run-database is <paramref name="runDatabasePath"/> when given (a real
    /// SQLite file beside a fake file system, so that a second root context sees what the first recorded), else
    /// <c>.kiln/</c>'s on a real file system and an in-memory one (forgotten when the root context is left) on a fake.
    /// </summary>
    internal Context(int maxParallelRedoCount, Configuration? configuration, string? rootPath, IFileSystem fs, IProcessRunner processRunner, string? runDatabasePath = null)
    {
        CheckNotInRedo("a context cannot be entered in a redo");
        _exceptionAtEntry = ExceptionInFlight.Current();
        Parent = ActiveContext.Value;
        MaxParallelRedoCount = Math.Max(1, maxParallelRedoCount);
        if (Parent is null)
        {
            _run = EnterRoot(configuration ?? Configuration.Default, rootPath ?? Directory.GetCurrentDirectory(), fs, processRunner, runDatabasePath);
            if (_run.Tree.RemovedOlderRunDatabase)
                _run.Configuration.Log.Inform($"removed the run-database of an older Kiln (its schema is not {RunDatabase.SchemaVersion}): every tool instance is redone once", Level.Info);
            lock (OpenRoots)
            {
                OpenRoots.Add(this);
                // Under the lock that InterruptAll takes: a run entered while it interrupts is interrupted either way.
                if (_allInterrupted)
                    _run.Interrupt();
            }
            Env = new EnvironmentVariables(this, null, _run.ProcessEnvironment);
            Helper = new Helpers(this, null, _run.ExecutableSearchPath);
        }
        else
        {
            if (configuration is not null || rootPath is not null)
                throw new ContextException("only the root context takes a configuration and a root path\n  | pass them to the outermost 'new Context(…)'");
            Parent.CompletePendingRedos();
            _run = Parent._run;
            Env = new EnvironmentVariables(this, Parent.Env, _run.ProcessEnvironment);
            Helper = new Helpers(this, Parent.Helper, _run.ExecutableSearchPath);
        }
        if (Parent is null && _run.Configuration.ParallelRedoLimit is { } limit)
            MaxParallelRedoCount = limit;
        _scheduler = new RedoScheduler(MaxParallelRedoCount, _run.Interruption);
        _run.Innermost = this;
        ActiveContext.Value = this;
    }

    /// <summary>The innermost active context.</summary>
    /// <exception cref="ContextException">No context is active.</exception>
    public static Context Active => ActiveContext.Value ??
        throw new ContextException("no context is active\n  | start tool instances inside 'using (new Context()) { … }'");

    /// <summary>Whether a context is active (in this async flow).</summary>
    public static bool IsRunning => ActiveContext.Value is not null;

    // Root contexts entered and not yet left, process-wide (unlike ActiveContext, seen outside the async flow that
    // entered them): kiln uses it to leave the contexts of a script that returns without disposing them, even when an
    // async Main entered them in a flow whose AsyncLocal values never come back to the caller.
    private static readonly List<Context> OpenRoots = [];

    /// <summary>Root contexts entered in this process and not yet left, in any async flow.</summary>
    internal static int OpenRootCount
    {
        get
        {
            lock (OpenRoots)
                return OpenRoots.Count;
        }
    }

    /// <summary>
    /// Leaves every context still open in this process, innermost first, from whatever async flow entered it: their
    /// pending redos complete and are recorded, and each root commits its run as a failed one (the script that left
    /// it open has failed). For a script that returned without disposing its contexts; the first failure is rethrown
    /// after all are left.
    /// </summary>
    internal static void LeaveAllOpen()
    {
        Exception? first = null;
        while (true)
        {
            Context? root;
            lock (OpenRoots)
                root = OpenRoots.Count == 0 ? null : OpenRoots[^1];
            if (root is null)
                break;
            root._run.Failed = true;
            for (var context = root._run.Innermost; context is not null; context = context.Parent)
            {
                try
                {
                    // Adopt the context into this flow, so that leaving it is in order.
                    ActiveContext.Value = context;
                    context.Dispose();
                }
                catch (Exception e)
                {
                    first ??= e;
                }
            }
            lock (OpenRoots)
                OpenRoots.Remove(root);
        }
        ActiveContext.Value = null;
        if (first is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(first).Throw();
    }

    /// <summary>The outer context, or null for the root context.</summary>
    public Context? Parent { get; }

    /// <summary>Whether this is the root context.</summary>
    public bool IsRoot => Parent is null;

    /// <summary>Redos of this context that may run at once.</summary>
    public int MaxParallelRedoCount { get; }

    /// <summary>Absolute native path of the working tree's root, ending in <c>/</c>.</summary>
    public string RootPath => _run.Tree.RootNative;

    /// <summary>The environment variables of this context.</summary>
    public EnvironmentVariables Env { get; }

    /// <summary>The dynamic helpers (executables) of this context.</summary>
    public Helpers Helper { get; }

    /// <summary>The run's settings.</summary>
    public Configuration Configuration => _run.Configuration;

    /// <summary>The run's diagnostic log.</summary>
    public DiagnosticLog Log => _run.Configuration.Log;

    /// <summary>The working-tree time in nanoseconds: the mtime a file modified now would get.</summary>
    public long WorkingTreeTimeNs => _run.Tree.WorkingTreeTimeNs();

    internal RunState Run => _run;

    internal RedoScheduler Scheduler => _scheduler;

    /// <summary>Summaries of the latest successful runs before this one, oldest first.</summary>
    public IReadOnlyList<RunSummary> SummaryOfLatestRuns(int maxCount = 1) => _run.Database.LatestRuns(maxCount);

    /// <summary>A working-tree path of <paramref name="path"/> (relative to the root, normalised).</summary>
    public TreePath WorkingTreePathOf(TreePath path) =>
        ManagedPaths.ToManaged(path, RootPath, _run.FileSystem) ??
        throw new WorkingTreePathException($"does not start with the working tree's root path: {path}");

    /// <summary>Waits for every redo started in this context; rethrows the first failure.</summary>
    /// <exception cref="ContextException">Called in a redo (which would wait for itself).</exception>
    public void CompletePendingRedos()
    {
        CheckNotInRedo("pending redos cannot be completed in a redo");
        _scheduler.CompleteAll();
    }

    /// <summary>Marks the current async flow (and the flows it starts) as a redo's.</summary>
    internal static void MarkRedoFlow() => InRedo.Value = true;

    /// <summary>Whether the current async flow is a redo's (what it observes is the redo's, not the configuration's).</summary>
    internal static bool IsRedoFlow => InRedo.Value;

    /// <summary>Throws when the current async flow is a redo's: what would wait for pending redos would wait for itself.</summary>
    internal static void CheckNotInRedo(string what)
    {
        if (InRedo.Value)
            throw new ContextException($"{what}\n  | a redo sees its context read-only: enter contexts, start tool instances and set the environment in the build script");
    }

    internal void CheckModifiable()
    {
        CheckNotInRedo("the active context cannot be modified in a redo");
        if (ActiveContext.Value != this)
            throw new ContextException("context is not the active one\n  | modify only the environment and helpers of 'Context.Active'");
        CompletePendingRedos();
    }

    private static RunState EnterRoot(Configuration configuration, string rootPath, IFileSystem fs, IProcessRunner processRunner, string? runDatabasePath)
    {
        var root = Path.GetFullPath(rootPath);
        root = root.EndsWith('/') ? root : root + "/";
        var tree = ManagementTree.Enter(fs, root, RunDatabase.FileName, RunDatabase.OlderFileNames);
        try
        {
            // Before the run-database is opened: a bad KILN_CACHE… value fails the entry with nothing to undo but the tree.
            var actionCache = fs.IsReal ? configuration.ActionCache.Open(RunState.ReadProcessEnvironment(), configuration.Log, configuration.Time) : null;
            var now = configuration.Time.GetUtcNow();
            var startNs = (now.ToUnixTimeMilliseconds() * 1_000_000L) + (now.Ticks % TimeSpan.TicksPerMillisecond * 100);
            var forgetNs = startNs - (long)(configuration.MaxDependencyAge.Ticks * 100m > long.MaxValue ? long.MaxValue : configuration.MaxDependencyAge.Ticks * 100);
            var databasePath = runDatabasePath ?? (fs.IsReal ? tree.RunDatabaseNative : ":memory:");
            RunDatabase database;
            try
            {
                database = RunDatabase.Open(databasePath, startNs, forgetNs);
            }
            catch (RunDatabaseException e)
            {
                throw new ManagementTreeException(e.Message, e);
            }
            var run = new RunState(fs, tree, database, configuration, processRunner, configuration.Time.GetTimestamp()) { StartNs = startNs, ActionCache = actionCache };
            try
            {
                // Without a record of its own (a program entering a Context itself, 'dotnet run build.cs'), a run still
                // removes the last one: its redos would make that record stand for a state it no longer describes.
                if (configuration.Record is { } record)
                    record.EnterRoot(run);
                else
                    fs.Delete(tree.ManagementNative + ConfigurationRecord.FileName);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                database.Dispose();
                throw new ManagementTreeException($"cannot remove the configuration record in {TreePath.Quote(tree.ManagementNative)}\n  | reason: {ManagementTree.FirstLine(e.Message)}\n  | {WriteFailure.Advice(e, tree.ManagementNative)}", e);
            }
            return run;
        }
        catch
        {
            tree.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Leaves the context: waits for its redos (rethrowing the first failure); the root context also records the
    /// run, commits the run-database, removes temporaries, waits for the working-tree time to advance and
    /// releases the lock. The run is successful when no redo failed and no exception leaves the root context with
    /// this call (the <c>using</c> block is left normally); a failed run keeps the redos it completed.
    /// </summary>
    /// <exception cref="ContextException">Contexts exited out of order.</exception>
    public void Dispose()
    {
        // First: the catch blocks below would be taken for an exception on its way out of the 'using' block.
        var leftByException = Parent is null && ExceptionInFlight.Since(_exceptionAtEntry);
        if (_disposed)
            return;
        CheckNotInRedo("a context cannot be left in a redo");
        if (ActiveContext.Value != this)
            throw new ContextException("contexts exited out of order\n  | dispose the innermost context first (use nested 'using' blocks)");
        _disposed = true;
        Exception? failure = null;
        try
        {
            _scheduler.CompleteAll();
        }
        catch (Exception e)
        {
            failure = e;
        }
        finally
        {
            ActiveContext.Value = Parent;
            _run.Innermost = Parent;
            _scheduler.Dispose();
        }

        if (IsRoot)
        {
            lock (OpenRoots)
                OpenRoots.Remove(this);
            CountIfInterrupted(_run);
            try
            {
                LeaveRoot(successful: failure is null && !leftByException && !_run.Failed);
            }
            catch (KilnException e) when (failure is not null)
            {
                // The run's own failure is the one error to show: on a full disk, a compiler that could not write
                // its output is the cause, the run-database that then could not record the failed run a consequence.
                // The log draws the '  | ' of continuation lines itself; it wants them indented by two spaces.
                Log.Inform(e.Message.Replace("\n  | ", "\n  ", StringComparison.Ordinal) + "\n  (while recording the failed run; the error follows)", Level.Warning);
            }
        }
        if (failure is not null)
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(failure).Throw();
    }

    private void LeaveRoot(bool successful)
    {
        var run = _run;
        // Read once: the duration stored, printed in the summary and reported to RunCompleted is the same.
        var durationNs = run.ElapsedNs;
        try
        {
            var timeBefore = run.Tree.WorkingTreeTimeNs();
            if (successful)
            {
                run.Database.FinishRun(durationNs, run.InstanceCount, run.RedoCount);
                run.Database.RecordStartedInstances(run.StartedInstances);
                if (run.Configuration.LatestRunSummaryMaxCount > 0)
                    RunSummaryReport.Write(run, durationNs, run.Database.LatestRuns(run.Configuration.LatestRunSummaryMaxCount));
            }
            // The run-database and the run records throw their own errors, naming their files (RunDatabaseException,
            // ManagementTreeException); the catch below is for the probe of the working-tree time.
            KillPoints.AtCommit(after: false);
            run.Database.Commit();
            KillPoints.AtCommit(after: true);
            run.Records.Write(run.FileSystem, run.Tree.ManagementNative);
            run.Configuration.Record?.LeaveRoot(run, successful);
            if (successful && run.Configuration.Record is { } record)
            {
                run.Database.Dispose();
                record.WriteAfterClose(run);
            }
            // Told only now: a run whose record could not be written has not completed.
            if (successful)
                run.Configuration.RunCompleted?.Invoke(new RunSummary(run.StartNs, durationNs, run.InstanceCount, run.RedoCount));
            run.Tree.WaitForWorkingTreeTimeToAdvance(timeBefore, run.Configuration.Time, run.Configuration.WorkingTreeTimeLimit);
        }
        catch (Exception e) when (e is IOException or Microsoft.Data.Sqlite.SqliteException or UnauthorizedAccessException)
        {
            throw new ManagementTreeException(
                $"failed to cleanup management tree for {TreePath.Quote(run.Tree.RootNative)}\n  | reason: {ManagementTree.FirstLine(e.Message)}\n" +
                $"  | {WriteFailure.Advice(e, run.Tree.ManagementNative)}", e);
        }
        finally
        {
            FinishActionCache(run);
            run.Database.Dispose();
            run.Tree.Dispose();
        }
    }

    /// <summary>The action cache's statistics and eviction at the end of the run; never fails the run (it warns).</summary>
    private static void FinishActionCache(RunState run)
    {
        if (run.ActionCache is not { } cache)
            return;
        try
        {
            cache.Finish();
        }
        finally
        {
            cache.Dispose();
        }
    }
}
