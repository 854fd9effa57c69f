using Kiln.Diagnostics;
using Kiln.Paths;
using Kiln.Scheduling;
using Kiln.Tools;
using Kiln.WorkingTree;

namespace Kiln;

/// <summary>The engine's <see cref="RedoContext"/> for one redo: helpers, temporaries, output replacement.</summary>
internal sealed class EngineRedoContext(Context context, ToolDescriptor descriptor, Tool tool) : RedoContext
{
    private readonly RunState _run = context.Run;
    private readonly HashSet<TreePath> _replaced = [];
    private readonly HashSet<RunningHelper> _running = [];
    private long _helpersStarted;
    private readonly System.Text.StringBuilder _helperOutput = new();

    /// <summary>What the helpers of this redo that succeeded wrote to standard error, in order (an action-cache entry keeps it).</summary>
    public string HelperOutput
    {
        get
        {
            lock (_helperOutput)
                return _helperOutput.ToString();
        }
    }

    /// <summary>Explicit outputs this redo replaced with <see cref="ReplaceOutput"/> (others were kept).</summary>
    public IReadOnlyCollection<TreePath> Replaced => _replaced;

    public override string RootPath => context.RootPath;

    public override IReadOnlyDictionary<string, string> Environment => context.Env.Values;

    public override DiagnosticLog Log => _run.Configuration.Log;

    public override bool ColorDiagnostics => _run.Configuration.ColorDiagnostics;

    internal IFileSystem FileSystem => _run.FileSystem;

    internal MessageCategoryLevels Levels => _run.Configuration.Levels;

    public override string NativePathOf(TreePath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return path.IsAbsolute ? path.AsString() : ManagedPaths.Native(path, RootPath);
    }

    /// <summary>
    /// Runs the tool's redo on <paramref name="result"/>. Helpers it left running (a helper's task not awaited) are killed
    /// and waited for when it ends, and then the redo fails: no helper outlives its redo, to write into outputs already
    /// checked, or on after kiln has exited. (dlb's helpers are coroutines: one not awaited never runs.)
    /// </summary>
    public async Task<bool> RedoAsync(Tool result)
    {
        IReadOnlyList<string> orphans;
        bool requestRedo;
        try
        {
            requestRedo = await tool.InvokeRedoAsync(result, this).ConfigureAwait(false);
        }
        finally
        {
            orphans = await StopRunningHelpersAsync().ConfigureAwait(false);
        }
        if (orphans.Count > 0)
        {
            throw new RedoException(
                $"redo returned before its {(orphans.Count == 1 ? "helper" : "helpers")} finished: {string.Join(", ", orphans.Select(TreePath.Quote))}\n" +
                "  | reason: the task of 'context.RunHelperAsync(…)' was not awaited; the helper was killed\n" +
                "  | await every helper in RedoAsync (the C# compiler warns of each one not awaited: CS4014)");
        }
        return requestRedo;
    }

    /// <summary>Cancels (kills) the helpers still running and waits until they have exited; returns their names in start order.</summary>
    private async Task<IReadOnlyList<string>> StopRunningHelpersAsync()
    {
        RunningHelper[] running;
        lock (_running)
            running = [.. _running.OrderBy(r => r.Order)];
        foreach (var helper in running)
        {
            try
            {
                helper.Stop.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It exited between the snapshot and here.
            }
        }
        await Task.WhenAll(running.Select(r => r.Exited.Task)).ConfigureAwait(false);
        return [.. running.Select(r => r.Helper)];
    }

    public override async Task<int> RunHelperAsync(string helper, IEnumerable<object> arguments, HelperOptions? options = null, CancellationToken cancellationToken = default) =>
        (await RunAsync(helper, arguments, options, capture: false, cancellationToken).ConfigureAwait(false)).ExitCode;

    public override Task<HelperOutput> RunHelperWithOutputAsync(string helper, IEnumerable<object> arguments, HelperOptions? options = null, CancellationToken cancellationToken = default) =>
        RunAsync(helper, arguments, options, capture: true, cancellationToken);

    private async Task<HelperOutput> RunAsync(string helper, IEnumerable<object> arguments, HelperOptions? options, bool capture, CancellationToken cancellationToken)
    {
        options ??= new HelperOptions { InheritOutput = _run.Configuration.HelperInheritsOutputByDefault };
        var path = context.Helper[helper];
        var cwd = options.WorkingDirectory is null ? RootPath : NativePathOf(options.WorkingDirectory);
        var args = arguments.Select(a => a switch
        {
            TreePath p => p.IsAbsolute ? p.AsString() : Path.GetRelativePath(cwd, NativePathOf(p)) is var r && (r.StartsWith('.') ? r : "./" + r) is var s ? s : "",
            IFormattable f => f.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
            _ => a?.ToString() ?? "",
        }).ToList();
        var env = new Dictionary<string, string>(Environment, StringComparer.Ordinal);
        if (options.ForcedEnvironment is not null)
            foreach (var (k, v) in options.ForcedEnvironment)
                env[k] = v;

        var commandLine = Kiln.Platform.Text.ShellQuoting.Join([path, .. args]);
        if (Log.IsUnsuppressed(_run.Configuration.Levels.HelperExecution))
        {
            Log.Inform($"execute helper {TreePath.Quote(helper)}\n  path: {TreePath.Quote(path)}\n  arguments: {string.Join(", ", args.Select(TreePath.Quote))}\n  directory: {TreePath.Quote(cwd)}",
                _run.Configuration.Levels.HelperExecution);
        }
        var start = new ProcessStart(path, args, cwd, env,
            CaptureStandardOutput: capture && !options.CaptureStandardError,
            CaptureStandardError: true,
            InheritUncaptured: options.InheritOutput);
        ProcessResult result;
        // An interruption of the run kills the helper (and its descendants), as the tool's own cancellation does, and
        // so does the end of the redo for a helper it left running (RunningHelper.Stop).
        var running = new RunningHelper(helper, CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _run.Interruption), Interlocked.Increment(ref _helpersStarted));
        lock (_running)
            _running.Add(running);
        try
        {
            result = await _run.ProcessRunner.RunAsync(start, running.Stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_run.IsInterrupted && !cancellationToken.IsCancellationRequested)
        {
            throw Scheduling.RedoScheduler.Interrupted(_run.Interruption);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new HelperExecutionException(helper, commandLine, -1, e.Message);
        }
        finally
        {
            lock (_running)
                _running.Remove(running);
            running.Stop.Dispose();
            running.Exited.SetResult();
        }
        var failed = !options.ExpectedExitCodes.Contains(result.ExitCode);
        var tail = failed ? Kiln.Platform.Text.Lines.Tail(result.StandardError, FailureOutputLines) : "";
        // A compiler's error is printed once: in the error, which shows the output when it is short; a longer one is
        // also written here in full, so that nothing of it is lost.
        var wholeInError = failed && tail.Length == result.StandardError.TrimEnd().Length;
        if (!capture && options.InheritOutput && result.StandardError.Length > 0 && !wholeInError)
        {
            Log.WriteVerbatim(result.StandardError);
            lock (_helperOutput)
                _helperOutput.Append(result.StandardError);
        }
        if (failed)
            throw new HelperExecutionException(helper, commandLine, result.ExitCode, tail);
        return new HelperOutput(result.ExitCode, options.CaptureStandardError ? result.StandardError : result.StandardOutput);
    }

    /// <summary>Lines of a failed helper's standard error shown in its error (its last ones).</summary>
    private const int FailureOutputLines = 20;

    public override TemporaryPath Temporary(string suffix = "", bool isDirectory = false)
    {
        var path = _run.Tree.NewTemporaryPath(suffix, isDirectory);
        var native = NativePathOf(path);
        try
        {
            if (isDirectory)
                FileSystem.CreateDirectory(native);
            else
                FileSystem.CreateNewFile(native);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new RedoException(WriteFailure.Describe($"could not create temporary {path}", e, _run.Tree.TemporaryNative));
        }
        return new EngineTemporary(path, native, FileSystem);
    }

    public override bool ReplaceOutput(TreePath path, TreePath source)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(source);
        var role = descriptor.Roles.FirstOrDefault(r => r.IsExplicit && !r.IsInput && r.PathsOf(tool).Any(p => ManagedPaths.ToManaged(p, RootPath, FileSystem) == ManagedPaths.ToManaged(path, RootPath, FileSystem)));
        if (role is null)
            throw new RedoException($"path is not contained in any explicit output dependency: {path}");
        if (path.IsDirectory != source.IsDirectory)
            throw new RedoException(path.IsDirectory
                ? $"cannot replace directory {TreePath.Quote(path.AsString().TrimEnd('/'))} by non-directory: {source}"
                : $"cannot replace non-directory {TreePath.Quote(path.AsString())} by directory: {source}");
        TreePath? managedSource;
        try
        {
            managedSource = ManagedPaths.ToManaged(source, RootPath, FileSystem, allowTemporary: true);
        }
        catch (WorkingTreePathException e)
        {
            throw new RedoException($"source is not in the working tree: {source}\n  | reason: {e.Message}");
        }
        if (managedSource is null)
            throw new RedoException($"source is not in the working tree: {source}");
        var managedPath = ManagedPaths.ToManaged(path, RootPath, FileSystem)!;
        if (managedSource == managedPath)
            throw new RedoException($"cannot replace a path by itself: {path}");
        if (!FileSystem.Lstat(NativePathOf(managedSource).TrimEnd('/')).Exists)
            throw new RedoException($"replacement does not exist: {source}");
        try
        {
            return Replace(role, managedPath, managedSource);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // rename(2) replaces the output whole or not at all: the output of the last redo is kept.
            throw new RedoException(WriteFailure.Describe(
                $"could not replace output {managedPath}", e, Path.GetDirectoryName(NativePathOf(managedPath).TrimEnd('/')) + "/"));
        }
    }

    private bool Replace(RoleDescriptor role, TreePath managedPath, TreePath managedSource)
    {
        var replaced = RoleAction.Of(role.Kind).Replace(this, role, managedPath, NativePathOf(managedPath), NativePathOf(managedSource));
        if (replaced)
            _replaced.Add(managedPath);
        return replaced;
    }

    /// <summary>A helper process started by this redo and not yet exited; <see cref="Stop"/> kills it.</summary>
    private sealed class RunningHelper(string helper, CancellationTokenSource stop, long order)
    {
        public string Helper { get; } = helper;

        public CancellationTokenSource Stop { get; } = stop;

        public TaskCompletionSource Exited { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public long Order { get; } = order;
    }

    private sealed class EngineTemporary(TreePath path, string native, IFileSystem fs) : TemporaryPath
    {
        public override TreePath Path => path;

        protected override void Dispose(bool disposing)
        {
            try
            {
                fs.Delete(native);
            }
            catch (IOException)
            {
                // The whole temporary directory is removed when the root context is left.
            }
        }
    }

}
