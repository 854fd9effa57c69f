using System.Security.Cryptography;
using System.Text;
using Kiln.Paths;
using Kiln.Rebuild;
using Kiln.Store;
using Kiln.Tools;
using Kiln.WorkingTree;

namespace Kiln;

/// <summary>
/// One start of a tool instance: identify → observe → decide → explain → schedule → record.
/// </summary>
internal static class ToolRun
{
    // Part of every tool key: a new Kiln version redoes every instance once, as dlb does; a new .NET feature release
    // (major.minor) too, but not a servicing (patch) update of the runtime, which changes no behaviour a tool relies on
    // (ninja would redo for neither). Decision 0005.
    private static readonly string PlatformId =
        $"kiln {typeof(ToolRun).Assembly.GetName().Version} on .NET {Environment.Version.Major}.{Environment.Version.Minor}";

    /// <summary>
    /// Starts <paramref name="tool"/>. The work is done by the non-generic <see cref="StartCore"/>: a generic method
    /// instantiated over a build script's tool types cannot be precompiled (ReadyToRun), and this one is large.
    /// </summary>
    public static StartedRun<T> Start<T>(Context context, T tool, bool forceRedo, string startFile, int startLine) where T : Tool<T>
    {
        var (completion, reason, instanceId) = StartCore(context, tool, forceRedo, startFile, startLine);
        return new StartedRun<T>(completion, reason, instanceId);
    }

    private static (Task<Tool> Completion, RedoReason? Reason, long InstanceId) StartCore(Context context, Tool tool, bool forceRedo, string startFile, int startLine)
    {
        Context.CheckNotInRedo("a tool instance cannot be started in a redo");
        var run = context.Run;
        var fs = run.FileSystem;
        var root = context.RootPath;
        var levels = run.Configuration.Levels;
        var log = run.Configuration.Log;
        var descriptor = ToolDescriptor.For(tool.GetType());

        // Identify.
        var problem = descriptor.Validate(tool);
        if (problem is not null)
            throw new DependencyException(problem);
        var (identity, toolKey) = run.Identities.GetOrAdd(tool.GetType(), static (type, state) =>
        {
            var found = ToolDefinitions.IdentityOf(type, state.Tree.RootNative, state.DefinitionDigests);
            return (found, found.Key + "|" + PlatformId);
        }, run);
        var (fingerprint, dependencyFingerprint) = descriptor.Fingerprints(tool);
        var (instanceId, storedTrace) = run.Database.LookUpInstance(toolKey, fingerprint, dependencyFingerprint);
        if (run.PendingByInstance.TryGetValue(instanceId, out var previous) && !previous.IsCompleted)
        {
            log.Inform($"wait for last redo of tool instance {instanceId} to complete", levels.RunSerialization);
            try
            {
                previous.GetAwaiter().GetResult();
            }
            catch (Exception)
            {
                // Its failure is reported by its own result and at context exit.
            }
        }

        // Observe explicit inputs (they must exist now) and outputs.
        var explicitInputs = new List<ObservedInput>();
        var explicitInputPaths = new HashSet<TreePath>();
        var regularInputs = new List<(RoleDescriptor Role, TreePath Path, string Native)>();
        var outputs = new List<(RoleDescriptor Role, TreePath Path, FileMemo Memo)>();
        var outputOwners = new Dictionary<TreePath, string>();
        var envValues = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var envRoleOfVariable = new Dictionary<string, string>(StringComparer.Ordinal);
        var nonExplicitEnv = new List<(RoleDescriptor Role, EnvVarValue Value)>();
        using (log.Cluster("explicit input dependencies", levels.RedoNecessityCheck, isProgress: true, withTime: true))
        {
            foreach (var role in descriptor.Roles)
            {
                if (role.Kind == RoleKind.InputEnvVar)
                {
                    ObserveEnvironmentVariable(context, descriptor, role, tool, envValues, envRoleOfVariable, nonExplicitEnv);
                    continue;
                }
                if (!role.IsExplicit)
                    continue;
                foreach (var path in role.PathsOf(tool))
                {
                    if (role.IsInput)
                    {
                        var managed = ManagedInput(role, path, root, fs);
                        if (managed is null)
                            continue;
                        var memo = Lstat(fs, ManagedPaths.Native(managed, root), role, path, isInput: true);
                        if (!memo.Exists)
                            throw MissingInput(run, role, path, managed);
                        var expected = ExpectedKind(role.Kind);
                        if (!Observation.KindMatches(expected, memo.Kind))
                            throw new DependencyException($"input dependency '{role.Name}' contains an invalid path: {path}\n  | reason: {Observation.KindMismatch(expected, memo.Kind)}");
                        if (explicitInputPaths.Add(managed))
                        {
                            explicitInputs.Add(new ObservedInput(managed, RunDatabase.EncodePath(managed), true, memo));
                            if (memo.Kind == FileKind.RegularFile)
                                regularInputs.Add((role, path, ManagedPaths.Native(managed, root)));
                        }
                    }
                    else
                    {
                        var managed = ManagedOutput(role, path, root, fs);
                        if (outputOwners.TryGetValue(managed, out var owner))
                        {
                            throw new DependencyException(owner == role.Name
                                ? $"output dependency '{role.Name}' contains the same path more than once: {path}"
                                : $"output dependencies '{owner}' and '{role.Name}' both contain the same path: {path}");
                        }
                        outputOwners[managed] = role.Name;
                        outputs.Add((role, managed, default));
                    }
                }
            }
            for (var i = 0; i < outputs.Count; i++)
            {
                var (role, path, _) = outputs[i];
                if (explicitInputPaths.Contains(path.WithIsDirectory(false)) || explicitInputPaths.Contains(path))
                    throw new DependencyException($"output dependency '{role.Name}' contains a path that is also an explicit input dependency: {path}");
                outputs[i] = (role, path, Lstat(fs, ManagedPaths.Native(path, root), role, path, isInput: false));
            }
        }

        // Observe what the last redo depended on (read with the instance id, unless a redo of this instance was
        // started in this run: then its trace is read again, after the wait above).
        var trace = run.PendingByInstance.ContainsKey(instanceId) ? run.Database.LoadTrace(instanceId) : storedTrace;
        var previousNonExplicit = new List<ObservedInput>();
        var undecodable = new List<string>();
        if (trace is not null)
        {
            foreach (var input in trace.Inputs)
            {
                if (input.IsExplicit)
                    continue;
                var path = RunDatabase.DecodePath(input.EncodedPath);
                if (path is null)
                {
                    undecodable.Add(input.EncodedPath);
                    continue;
                }
                if (explicitInputPaths.Contains(path))
                    continue;
                FileMemo memo;
                try
                {
                    memo = fs.Lstat(ManagedPaths.Native(path, root));
                }
                catch (IOException)
                {
                    memo = FileMemo.Missing with { Kind = FileKind.Other, Size = -1 };
                }
                previousNonExplicit.Add(new ObservedInput(path, input.EncodedPath, false, memo));
            }
        }

        // Counted (and its compile described) only now: an instance whose start failed above is neither a redo nor up to date.
        Interlocked.Increment(ref run.InstanceCount);
        run.StartedInstances.Enqueue(instanceId);
        if (tool is IDescribesCompilation compilation)
            run.Records.AddCompilation(compilation.DescribeCompilation());

        // Decide and explain.
        var envDigest = EnvironmentDigest(envValues);
        var observation = new Observation(
            forceRedo,
            [.. outputs.Select(o => new ObservedOutput(o.Path, o.Memo, ExpectedKind(o.Role.Kind)))],
            explicitInputs,
            previousNonExplicit,
            undecodable,
            envDigest,
            identity.DefinitionDigest,
            identity.Definition,
            trace is null && run.Database.HasSiblingWithOtherParameters(toolKey, dependencyFingerprint, instanceId));
        var decision = RedoRules.Decide(observation, trace);
        if (!decision.IsNeeded)
            return (Task.FromResult(tool.CopyForResult()), null, instanceId);

        var reason = decision.Reason!;
        Interlocked.Increment(ref run.RedosDue);
        log.Inform(reason.Detail is null ? reason.Summary : $"{reason.Summary}\n  reason: {reason.Detail}",
            reason.IsSuspicious ? levels.RedoSuspiciousReason : levels.RedoReason);

        // An explicit input the redo cannot read is this error, naming the role and the path, rather than whatever the
        // tool's helper makes of it. Checked only before a redo: an up-to-date instance costs no open.
        foreach (var (role, path, native) in regularInputs)
        {
            try
            {
                fs.CheckReadable(native);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                throw new DependencyException(
                    $"input dependency '{role.Name}' contains a path of an unreadable filesystem object: {path}\n  | reason: {ManagementTree.FirstLine(e.Message)}\n" +
                    "  | make it readable for this user (e.g. 'chmod u+r') and run again");
            }
        }

        // Obstructive outputs (of the wrong kind) go before the redo.
        foreach (var (role, path, memo) in outputs)
            if (memo.Exists && !Observation.KindMatches(ExpectedKind(role.Kind), memo.Kind))
                fs.Delete(ManagedPaths.Native(path, root).TrimEnd('/'));

        // Schedule.
        var completion = new TaskCompletionSource<Tool>(TaskCreationOptions.RunContinuationsAsynchronously);
        var startNs = run.ElapsedNs;
        var scheduled = context.Scheduler.Schedule(async () =>
        {
            Context.MarkRedoFlow();
            try
            {
                run.ThrowIfInterrupted();
                var result = await RedoAsync(context, descriptor, tool, instanceId, reason, explicitInputs, previousNonExplicit, outputs, envDigest, identity, nonExplicitEnv, startNs).ConfigureAwait(false);
                completion.SetResult(result);
            }
            catch (Exception e)
            {
                FailedRedo.Attach(e, tool.ToString(), startFile, startLine);
                completion.SetException(e);
                throw;
            }
        });
        run.PendingByInstance[instanceId] = scheduled;
        var description = tool.ToString();
        foreach (var output in outputs)
            run.OutputsOfStartedRedos[output.Path] = description;
        return (completion.Task, reason, instanceId);
    }

    /// <summary>
    /// A missing explicit input; when it is an output of a redo started in this run (still running: a start returns at
    /// once), the error says so and how to order the two — the trap of passing a path instead of the started run's result.
    /// </summary>
    private static DependencyException MissingInput(RunState run, RoleDescriptor role, TreePath path, TreePath managed)
    {
        var message = $"input dependency '{role.Name}' contains a path of a non-existent filesystem object: {path}";
        if (!run.OutputsOfStartedRedos.TryGetValue(managed, out var writer))
            return new DependencyException(message);
        return new DependencyException(
            $"{message}\n  | it is an output of a redo started in this run and not finished yet: {writer}\n" +
            "  | a start returns at once: pass that run's result instead of the path (e.g. 'compiled.Result.ObjectFile', which waits for it), or await 'compiled.CompleteAsync()' first");
    }

    private static async Task<Tool> RedoAsync(
        Context context, ToolDescriptor descriptor, Tool tool, long instanceId, RedoReason reason,
        List<ObservedInput> explicitInputs, List<ObservedInput> previousNonExplicit,
        List<(RoleDescriptor Role, TreePath Path, FileMemo Memo)> outputs, byte[] envDigest, ToolIdentity identity,
        List<(RoleDescriptor Role, EnvVarValue Value)> nonExplicitEnv, long startNs)
    {
        var run = context.Run;
        var result = tool.CopyForResult();
        foreach (var (role, value) in nonExplicitEnv)
            role.Property.SetValue(result, value);
        var description = tool.ToString();
        run.Configuration.Progress?.Invoke(new RedoProgress(Interlocked.Increment(ref run.RedosStarted), Volatile.Read(ref run.RedosCompleted), description));
        var redoStartNs = run.ElapsedNs;
        var failed = true;
        try
        {
            var done = await RedoAndRecordAsync(context, descriptor, tool, result, instanceId, reason, explicitInputs, previousNonExplicit, outputs, envDigest, identity, startNs).ConfigureAwait(false);
            failed = false;
            return done;
        }
        finally
        {
            run.Records.AddRedo(description, reason.ToString(), redoStartNs, run.ElapsedNs - redoStartNs, failed);
            run.Configuration.Progress?.Invoke(new RedoProgress(Volatile.Read(ref run.RedosStarted), Interlocked.Increment(ref run.RedosCompleted), description));
        }
    }

    private static async Task<Tool> RedoAndRecordAsync(
        Context context, ToolDescriptor descriptor, Tool tool, Tool result, long instanceId, RedoReason reason,
        List<ObservedInput> explicitInputs, List<ObservedInput> previousNonExplicit,
        List<(RoleDescriptor Role, TreePath Path, FileMemo Memo)> outputs, byte[] envDigest, ToolIdentity identity, long startNs)
    {
        var run = context.Run;
        var fs = run.FileSystem;
        var root = context.RootPath;
        var levels = run.Configuration.Levels;
        var log = run.Configuration.Log;
        var timeAtStart = await WorkingTreeTimeAfterInputsAsync(run, explicitInputs, previousNonExplicit).ConfigureAwait(false);
        log.Inform($"start redo for tool instance {instanceId}", levels.RedoStart, withTime: true);
        run.Database.ClaimOutputs(instanceId, outputs.Select(o => o.Path));
        var redoContext = new EngineRedoContext(context, descriptor, tool);
        var requestRedo = await redoContext.RedoAsync(result).ConfigureAwait(false);

        using var cluster = log.Cluster($"memorize successful redo for tool instance {instanceId}", levels.RedoAftermath, isProgress: true, withTime: true);
        try
        {
            var inputs = new List<TracedInput>(explicitInputs.Count + previousNonExplicit.Count);
            foreach (var input in explicitInputs)
                inputs.Add(new TracedInput(input.EncodedPath, true, input.Memo.Encode()));
            var known = previousNonExplicit.ToDictionary(i => i.EncodedPath, StringComparer.Ordinal);
            var explicitEncoded = new HashSet<string>(explicitInputs.Select(i => i.EncodedPath), StringComparer.Ordinal);
            var modified = new List<TreePath>();
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

            foreach (var (role, path, _) in outputs)
            {
                var memo = fs.Lstat(ManagedPaths.Native(path, root).TrimEnd('/'));
                if (!Observation.KindMatches(ExpectedKind(role.Kind), memo.Kind))
                    throw new RedoException($"redo did not create explicit output dependency '{role.Name}': {path}\n  | reason: {(memo.Exists ? Observation.KindMismatch(ExpectedKind(role.Kind), memo.Kind) : "does not exist")}");
                var keepsSame = role.Declaration is Output.RegularFileAttribute { ReplaceBySameContent: false };
                if (!keepsSame || redoContext.Replaced.Contains(path))
                    modified.Add(path);
            }

            run.Database.StoreTrace(instanceId, new Trace(requestRedo, envDigest, identity.DefinitionDigest, inputs), modified);
            run.Database.RecordRedo(instanceId, tool.ToString(), reason.ToString(), startNs, run.ElapsedNs - startNs);
            Interlocked.Increment(ref run.RedoCount);
        }
        catch (Exception e)
        {
            cluster.MarkFailed(e);
            throw;
        }
        return result;
    }

    // The coarsest mtime resolution Kiln expects (FAT's): an input's mtime at most this far ahead of the working-tree
    // time is a modification in the current tick of the file system's clock; one further ahead is a clock problem
    // (A-T1), and a modification now could not reproduce that mtime anyway.
    private const long CoarsestMtimeResolutionNs = 2_000_000_000;

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
    private static async Task<long> WorkingTreeTimeAfterInputsAsync(RunState run, List<ObservedInput> explicitInputs, List<ObservedInput> previousNonExplicit)
    {
        var now = run.Tree.WorkingTreeTimeNs();
        var latest = long.MinValue;
        foreach (var input in explicitInputs.Concat(previousNonExplicit))
        {
            var mtime = input.Memo.MtimeNs;
            if (input.Memo.Exists && mtime >= now && mtime - now <= CoarsestMtimeResolutionNs && mtime > latest)
                latest = mtime;
        }
        if (latest == long.MinValue)
            return now;
        return await run.Tree.WaitForWorkingTreeTimeToPassAsync(latest, run.Configuration.Time, run.Configuration.WorkingTreeTimeLimit, CancellationToken.None).ConfigureAwait(false);
    }

    private static void ObserveEnvironmentVariable(Context context, ToolDescriptor descriptor, RoleDescriptor role, Tool tool,
        SortedDictionary<string, string> values, Dictionary<string, string> roleOfVariable, List<(RoleDescriptor, EnvVarValue)> nonExplicit)
    {
        var declaration = (Input.EnvVarAttribute)role.Declaration;
        if (roleOfVariable.TryGetValue(declaration.Name, out var other))
            throw new DependencyException($"dependency roles '{other}' and '{role.Name}' both use environment variable '{declaration.Name}'");
        roleOfVariable[declaration.Name] = role.Name;
        string? raw;
        if (role.IsExplicit)
        {
            raw = (role.Property.GetValue(tool) as EnvVarValue)?.Raw;
        }
        else
        {
            raw = context.Env.Get(declaration.Name);
            if (raw is null)
            {
                if (declaration.Required)
                    throw new RedoException($"not a defined environment variable in the context: '{declaration.Name}'\n  | required by dependency role '{role.Name}'; use 'Context.Active.Env.ImportFromOuter(\"{declaration.Name}\", …)' or assign a value");
                return;
            }
            var match = descriptor.EnvVarPattern(role).Match(raw);
            if (!match.Success)
                throw new RedoException($"input dependency '{role.Name}' cannot use environment variable '{declaration.Name}'\n  | reason: value {TreePath.Quote(raw)} is not matched by validation pattern {TreePath.Quote(declaration.Pattern)}");
            var groups = match.Groups.Keys.Where(k => !int.TryParse(k, System.Globalization.CultureInfo.InvariantCulture, out _))
                .ToDictionary(k => k, k => match.Groups[k].Value, StringComparer.Ordinal);
            nonExplicit.Add((role, new EnvVarValue(declaration.Name, raw, groups)));
        }
        if (raw is not null)
            values[declaration.Name] = raw;
    }

    private static byte[] EnvironmentDigest(SortedDictionary<string, string> values)
    {
        if (values.Count == 0)
            return [];
        var text = new StringBuilder();
        foreach (var (k, v) in values)
            text.Append(k.Length).Append(':').Append(k).Append(v.Length).Append(':').Append(v);
        return SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString()));
    }

    private static FileKind ExpectedKind(RoleKind kind) => kind switch
    {
        RoleKind.InputRegularFile or RoleKind.OutputRegularFile => FileKind.RegularFile,
        RoleKind.InputDirectory or RoleKind.OutputDirectory => FileKind.Directory,
        _ => FileKind.Other,
    };

    private static TreePath? ManagedInput(RoleDescriptor role, TreePath path, string root, WorkingTree.IFileSystem fs)
    {
        try
        {
            return ManagedPaths.ToManaged(path, root, fs);
        }
        catch (WorkingTreePathException e)
        {
            throw new DependencyException($"input dependency '{role.Name}' contains an invalid path: {TreePath.QuoteShortened(path.AsString())}\n  | reason: {e.Message}");
        }
    }

    private static TreePath ManagedOutput(RoleDescriptor role, TreePath path, string root, WorkingTree.IFileSystem fs)
    {
        TreePath? managed;
        try
        {
            managed = ManagedPaths.ToManaged(path, root, fs);
        }
        catch (WorkingTreePathException e)
        {
            throw new DependencyException($"output dependency '{role.Name}' contains a path that is not a managed tree path: {TreePath.QuoteShortened(path.AsString())}\n  | reason: {e.Message}");
        }
        return managed ?? throw new DependencyException($"output dependency '{role.Name}' contains a path that is not a managed tree path: {path}\n  | reason: is outside the working tree");
    }

    private static FileMemo Lstat(WorkingTree.IFileSystem fs, string native, RoleDescriptor role, TreePath path, bool isInput)
    {
        try
        {
            return fs.Lstat(native.Length > 1 ? native.TrimEnd('/') : native);
        }
        catch (IOException e)
        {
            throw new DependencyException($"{(isInput ? "input" : "output")} dependency '{role.Name}' contains a path of an inaccessible filesystem object: {path}\n  | reason: {e.Message}");
        }
    }
}
