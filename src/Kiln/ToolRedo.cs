using Kiln.Paths;
using Kiln.Rebuild;
using Kiln.Store;
using Kiln.Tools;
using Kiln.WorkingTree;

namespace Kiln;

/// <summary>
/// A redo decided by a start, from the moment the scheduler runs it: the redo itself, then the record step — the trace
/// of what it depended on into the run-database, and the redo (once, with one start and duration) into the run-database
/// and the run's records. Its messages (reason, start, helpers' output, aftermath) are written as one block when it
/// ends, so that they stay together under parallel redos.
/// </summary>
internal sealed class ToolRedo(
    Context context, ToolDescriptor descriptor, Tool tool, string label, long instanceId, RedoReason reason, ToolIdentity identity,
    ExplicitDependencies dependencies, List<ObservedInput> previousNonExplicit, byte[] environmentDigest)
{
    // The coarsest mtime resolution Kiln expects (FAT's): an input's mtime at most this far ahead of the working-tree
    // time is a modification in the current tick of the file system's clock; one further ahead is a clock problem
    // (A-T1), and a modification now could not reproduce that mtime anyway.
    private const long CoarsestMtimeResolutionNs = 2_000_000_000;

    private readonly RunState _run = context.Run;
    private readonly string _description = tool.ToString();
    private long _startNs;
    private bool _recorded;

    /// <summary>The explicit outputs, for the error of an input started before their writer finished.</summary>
    public IEnumerable<TreePath> Outputs => dependencies.Outputs.Select(o => o.Path);

    public string Description => _description;

    /// <summary>Why the redo is needed.</summary>
    public RedoReason Reason => reason;

    /// <summary>The action cache's part of this redo (null: the run has no cache or the tool is not cacheable).</summary>
    public CachedRedo? Cache { get; init; }

    /// <summary>The instance's fingerprint (part of an action-cache key).</summary>
    public byte[] Fingerprint { get; init; } = [];

    /// <summary>Set for a redo restored from the action cache: the text of its reason as recorded (with the key's inputs).</summary>
    private string? _restoredReason;

    /// <summary>Runs the redo and records it; the result's non-explicit dependencies are those the redo assigned.</summary>
    public async Task<Tool> RunAsync()
    {
        var result = tool.CopyForResult();
        foreach (var (role, value) in dependencies.NonExplicitEnvironment)
            role.Property.SetValue(result, value);
        var progress = _run.Configuration.Progress;
        progress?.Invoke(Progress(Interlocked.Increment(ref _run.RedosStarted), Volatile.Read(ref _run.RedosCompleted)));
        _startNs = _run.ElapsedNs;
        using var block = _run.Configuration.Log.BeginBlock();
        var reasonLogged = false;
        try
        {
            var timeAtStart = await WorkingTreeTimeAfterInputsAsync().ConfigureAwait(false);
            var redoContext = new EngineRedoContext(context, descriptor, tool);
            var lookup = Cache is null ? null
                : await Cache.LookUpAsync((ICacheableTool)tool, redoContext, identity, ToolRun.PlatformId, Fingerprint, environmentDigest, dependencies, _run.Interruption).ConfigureAwait(false);
            if (lookup?.Entry is { } entry)
            {
                _restoredReason = $"{reason}; restored from cache ({lookup.Tier}, key {Cache!.Key![..12]})";
                _run.Configuration.Log.Inform($"{(reason.Detail is null ? reason.Summary : $"{reason.Summary}\n  reason: {reason.Detail}")}\n  restored from cache ({lookup.Tier}, key {Cache.Key[..12]})",
                    reason.IsSuspicious ? _run.Configuration.Levels.RedoSuspiciousReason : _run.Configuration.Levels.RedoReason);
            }
            else
            {
                ToolRun.LogReason(_run, reason);
            }
            reasonLogged = true;
            await RedoAndMemorizeAsync(result, redoContext, timeAtStart, lookup?.Entry).ConfigureAwait(false);
            return result;
        }
        catch (Exception)
        {
            if (!reasonLogged)
                ToolRun.LogReason(_run, reason);
            if (!_recorded)
                Record(failed: true);
            throw;
        }
        finally
        {
            progress?.Invoke(Progress(Volatile.Read(ref _run.RedosStarted), Interlocked.Increment(ref _run.RedosCompleted)));
        }
    }

    /// <summary>The run's progress as this redo starts or completes (the caller counts which).</summary>
    private RedoProgress Progress(int started, int completed) =>
        new(started, completed, label, Volatile.Read(ref _run.RedosDue))
        {
            InstancesStarted = Volatile.Read(ref _run.InstanceCount),
            PreviousInstanceCount = _run.PreviousInstanceCount,
        };

    private async Task RedoAndMemorizeAsync(Tool result, EngineRedoContext redoContext, long timeAtStart, Caching.ActionCacheEntry? cached)
    {
        var levels = _run.Configuration.Levels;
        var log = _run.Configuration.Log;
        log.Inform(cached is null ? $"start redo for {label}" : $"restore outputs from cache for {label}", levels.RedoStart, withTime: true);
        _run.Database.ClaimOutputs(instanceId, Outputs);
        bool requestRedo;
        if (cached is null)
        {
            requestRedo = await redoContext.RedoAsync(result).ConfigureAwait(false);
        }
        else
        {
            Cache!.Restore(cached, redoContext, result, dependencies);
            requestRedo = false;
        }

        using var cluster = log.Cluster($"memorize successful redo for {label}", levels.RedoAftermath, isProgress: true, withTime: true);
        try
        {
            var modified = new List<TreePath>();
            var inputs = TracedInputs(result, timeAtStart, modified);
            CheckOutputs(redoContext, modified);
            if (cached is null && !requestRedo && Cache is not null)
                await Cache.StoreAsync(result, dependencies, timeAtStart, redoContext.HelperOutput, _run.Interruption).ConfigureAwait(false);
            _run.Database.StoreTrace(instanceId, new Trace(requestRedo, environmentDigest, identity.DefinitionDigest, inputs), modified);
            Record(failed: false);
            Interlocked.Increment(ref _run.RedoCount);
        }
        catch (Exception e)
        {
            cluster.MarkFailed(e);
            throw;
        }
    }

    /// <summary>
    /// The one place a redo is recorded, with one time base (ns since the run's start, from when the scheduler ran it):
    /// a successful one in the run-database's <c>Redo</c> table (for <c>kiln explain</c>), every one in the run's trace.
    /// </summary>
    private void Record(bool failed)
    {
        _recorded = true;
        var durationNs = _run.ElapsedNs - _startNs;
        var why = _restoredReason ?? reason.ToString();
        try
        {
            // A restored redo's reason is recorded with the key's inputs on the lines after it (kiln explain --cache-key).
            if (!failed)
                _run.Database.RecordRedo(instanceId, _description, _restoredReason is null ? why : why + "\n" + Cache!.KeyText!.TrimEnd('\n'), _startNs, durationNs);
        }
        catch (Exception)
        {
            failed = true;
            throw;
        }
        finally
        {
            _run.Records.AddRedo(_description, why, _startNs, durationNs, failed);
        }
    }

    /// <summary>
    /// The inputs to store: the explicit ones as observed before the redo, then the non-explicit ones the redo assigned
    /// (checked against their roles); non-explicit outputs go to <paramref name="modified"/>.
    /// </summary>
    private List<TracedInput> TracedInputs(Tool result, long timeAtStart, List<TreePath> modified)
    {
        var fs = _run.FileSystem;
        var root = context.RootPath;
        var explicitInputs = dependencies.Inputs;
        var inputs = new List<TracedInput>(explicitInputs.Count + previousNonExplicit.Count);
        foreach (var input in explicitInputs)
            inputs.Add(new TracedInput(input.EncodedPath, true, input.Memo.Encode()));
        var known = previousNonExplicit.ToDictionary(i => i.EncodedPath, StringComparer.Ordinal);
        var explicitEncoded = new HashSet<string>(explicitInputs.Select(i => i.EncodedPath), StringComparer.Ordinal);
        foreach (var role in descriptor.Roles.Where(r => !r.IsExplicit && r.IsPathRole))
        {
            var paths = role.PathsOf(result);
            if (role.Declaration.Required && role.Property.GetValue(result) is null)
                throw new RedoException($"non-explicit dependency not assigned during redo: '{role.Name}'\n  | use 'result.{role.Name} = …' in the body of RedoAsync");
            if (role.IsList && (paths.Count < role.Declaration.MinCount || paths.Count > role.Declaration.MaxCount))
                throw new RedoException($"non-explicit dependency '{role.Name}' assigned with {paths.Count} members, which is not accepted according to the specified multiplicity");
            foreach (var path in paths)
            {
                TreePath? managed;
                try
                {
                    managed = ManagedPaths.ToManaged(path, root, fs, managementTreeIsOutside: role.IsInput);
                }
                catch (WorkingTreePathException e)
                {
                    throw new RedoException($"non-explicit dependency '{role.Name}' contains a path that is not a managed tree path: {path}\n  | reason: {e.Message}");
                }
                if (managed is null)
                    continue;
                if (!role.IsInput)
                {
                    modified.Add(managed);
                    continue;
                }
                var encoded = RunDatabase.EncodePath(managed);
                if (explicitEncoded.Contains(encoded) || inputs.Any(i => i.EncodedPath == encoded && !i.IsExplicit))
                    continue;
                byte[]? memo;
                if (known.TryGetValue(encoded, out var before))
                {
                    memo = before.Memo.Encode();
                }
                else
                {
                    // A new dependency: its state now is what the redo read if it was last modified before
                    // the redo started (working-tree time is monotonic); otherwise it is unknown (NULL) and
                    // causes one more redo, as in dlb.
                    var now = fs.Lstat(ManagedPaths.Native(managed, root));
                    memo = now.Exists && now.MtimeNs < timeAtStart ? now.Encode() : null;
                }
                inputs.Add(new TracedInput(encoded, false, memo));
            }
        }
        return inputs;
    }

    /// <summary>Every explicit output exists with its role's kind; those its role counts as modified go to <paramref name="modified"/>.</summary>
    private void CheckOutputs(EngineRedoContext redoContext, List<TreePath> modified)
    {
        foreach (var (role, path, _) in dependencies.Outputs)
        {
            var action = RoleAction.Of(role.Kind);
            var memo = _run.FileSystem.Lstat(ManagedPaths.Native(path, context.RootPath).TrimEnd('/'));
            if (!Observation.KindMatches(action.ExpectedKind, memo.Kind))
                throw new RedoException($"redo did not create explicit output dependency '{role.Name}': {path}\n  | reason: {(memo.Exists ? Observation.KindMismatch(action.ExpectedKind, memo.Kind) : "does not exist")}");
            if (action.IsModifiedByRedo(role, redoContext.Replaced.Contains(path)))
                modified.Add(path);
        }
    }

    /// <summary>
    /// The working-tree time at the start of a redo, once it is later than the mtime of every observed input.
    /// </summary>
    /// <remarks>
    /// The memos stored after the redo are those observed before it. With coarse mtimes (1 s on ext4 with 128-byte
    /// inodes, 2 s on FAT, a clock tick on others) an input last modified in the current tick keeps its mtime when it is
    /// modified again during the redo; with the same size, the next run would see the stored memo and miss the
    /// change. Waiting (rarely, and at most one tick) until the working-tree time has passed the inputs' mtimes
    /// makes every modification after this point visible (dlb's G-D4, which dlb leaves unimplemented); the
    /// alternative, storing no memo, would redo such tools in the next run even when nothing changed.
    /// </remarks>
    private async Task<long> WorkingTreeTimeAfterInputsAsync()
    {
        var now = _run.Tree.WorkingTreeTimeNs();
        var latest = long.MinValue;
        foreach (var input in dependencies.Inputs.Concat(previousNonExplicit))
        {
            var mtime = input.Memo.MtimeNs;
            if (input.Memo.Exists && mtime >= now && mtime - now <= CoarsestMtimeResolutionNs && mtime > latest)
                latest = mtime;
        }
        if (latest == long.MinValue)
            return now;
        return await _run.Tree.WaitForWorkingTreeTimeToPassAsync(latest, _run.Configuration.Time, _run.Configuration.WorkingTreeTimeLimit, CancellationToken.None).ConfigureAwait(false);
    }
}
