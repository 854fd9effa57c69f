using Kiln.Rebuild;
using Kiln.Store;
using Kiln.Tools;

namespace Kiln;

/// <summary>
/// One start of a tool instance, in named steps: identify (<see cref="Identify"/>) → observe
/// (<see cref="ExplicitDependencies"/>, <see cref="RecordedInputs"/>) → decide (<see cref="Decide"/>, by
/// <see cref="RedoRules"/>) → explain (<see cref="Explain"/>) → schedule (<see cref="Schedule"/>) → record
/// (<see cref="ToolRedo"/>). What differs per role kind is in <see cref="RoleAction"/>.
/// </summary>
internal static class ToolRun
{
    // Part of every tool key: a new Kiln version redoes every instance once, as dlb does; a new .NET feature release
    // (major.minor) too, but not a servicing (patch) update of the runtime, which changes no behaviour a tool relies on
    // (ninja would redo for neither). Decision 0005.
    internal static readonly string PlatformId =
        $"kiln {typeof(ToolRun).Assembly.GetName().Version} on .NET {Environment.Version.Major}.{Environment.Version.Minor}";

    /// <summary>
    /// Starts <paramref name="tool"/>. The work is done by the non-generic <see cref="StartCore"/>: a generic method
    /// instantiated over a build script's tool types cannot be precompiled (ReadyToRun), and the steps are large.
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
        var descriptor = ToolDescriptor.For(tool.GetType());

        var identified = Identify(run, descriptor, tool);
        WaitForEarlierRedo(run, identified.InstanceId, descriptor, tool);

        var dependencies = ExplicitDependencies.Observe(context, descriptor, tool);
        // Read with the instance id, unless a redo of this instance was started in this run: then its trace is read
        // again, after the wait above.
        var trace = run.PendingByInstance.ContainsKey(identified.InstanceId) ? run.Database.LoadTrace(identified.InstanceId) : identified.StoredTrace;
        var (previousNonExplicit, undecodable) = RecordedInputs.Observe(run.FileSystem, context.RootPath, trace, dependencies.InputPaths);

        Started(run, identified.InstanceId, tool, dependencies);

        var environmentDigest = dependencies.EnvironmentDigest();
        var decision = Decide(run, identified, dependencies, previousNonExplicit, undecodable, environmentDigest, forceRedo, trace);
        if (!decision.IsNeeded)
        {
            if (run.Configuration.ExplainUpToDate)
                ExplainUpToDate(run, ToolLabel.Of(descriptor, tool), dependencies.Inputs.Count + previousNonExplicit.Count, dependencies.Outputs.Count);
            return (Task.FromResult(tool.CopyForResult()), null, identified.InstanceId);
        }

        var reason = decision.Reason!;
        Explain(run);
        dependencies.PrepareForRedo(run.FileSystem, context.RootPath);
        var redo = new ToolRedo(context, descriptor, tool, ToolLabel.Of(descriptor, tool), identified.InstanceId, reason, identified.Identity, dependencies, previousNonExplicit, environmentDigest)
        {
            Cache = CachedRedo.For(run, descriptor, tool, context.RootPath),
            Fingerprint = identified.Fingerprint,
        };
        return (Schedule(context, redo, identified.InstanceId, startFile, startLine), reason, identified.InstanceId);
    }

    /// <summary>The identify step's result: who the instance is and what the run-database remembers of it.</summary>
    private readonly record struct Identified(ToolIdentity Identity, string ToolKey, byte[] Fingerprint, byte[] DependencyFingerprint, long InstanceId, Trace? StoredTrace);

    /// <summary>Validates the instance, finds its tool's identity (once per class and run) and looks it up (registering it when new).</summary>
    /// <exception cref="DependencyException">A dependency role's value is invalid.</exception>
    private static Identified Identify(RunState run, ToolDescriptor descriptor, Tool tool)
    {
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
        return new Identified(identity, toolKey, fingerprint, dependencyFingerprint, instanceId, storedTrace);
    }

    /// <summary>A second start of an instance whose redo is still running waits for it (its trace is then read again).</summary>
    private static void WaitForEarlierRedo(RunState run, long instanceId, ToolDescriptor descriptor, Tool tool)
    {
        if (!run.PendingByInstance.TryGetValue(instanceId, out var previous) || previous.IsCompleted)
            return;
        run.Configuration.Log.Inform($"wait for last redo of {ToolLabel.Of(descriptor, tool)} to complete", run.Configuration.Levels.RunSerialization);
        try
        {
            previous.GetAwaiter().GetResult();
        }
        catch (Exception)
        {
            // Its failure is reported by its own result and at context exit.
        }
    }

    /// <summary>
    /// The one place where an instance counts as started: after its dependencies were observed (an instance whose start
    /// failed before is neither a redo nor up to date) and before the decision. Counted, remembered for the record of the
    /// run (and of its configuration, for the replay check), and its compile described.
    /// </summary>
    private static void Started(RunState run, long instanceId, Tool tool, in ExplicitDependencies dependencies)
    {
        Interlocked.Increment(ref run.InstanceCount);
        run.StartedInstances.Enqueue(instanceId);
        run.Configuration.Record?.AddStarted(instanceId, dependencies.ObservedOutputs());
        if (tool is IDescribesCompilation compilation)
            run.Records.AddCompilation(compilation.DescribeCompilation());
    }

    private static RedoDecision Decide(
        RunState run, in Identified identified, in ExplicitDependencies dependencies, List<ObservedInput> previousNonExplicit,
        List<string> undecodable, byte[] environmentDigest, bool forceRedo, Trace? trace)
    {
        var observation = new Observation(
            forceRedo,
            dependencies.ObservedOutputs(),
            dependencies.Inputs,
            previousNonExplicit,
            undecodable,
            environmentDigest,
            identified.Identity.DefinitionDigest,
            identified.Identity.Definition,
            trace is null && run.Database.HasSiblingWithOtherParameters(identified.ToolKey, identified.DependencyFingerprint, identified.InstanceId));
        return RedoRules.Decide(observation, trace);
    }

    /// <summary>Counts the redo as due; its reason is logged by the redo, in its block (<see cref="ToolRedo"/>).</summary>
    private static void Explain(RunState run) => Interlocked.Increment(ref run.RedosDue);

    /// <summary>What <c>kiln build --explain</c> says of an instance whose redo is not needed: what the decision checked.</summary>
    private static void ExplainUpToDate(RunState run, string label, int inputCount, int outputCount) =>
        run.Configuration.Log.Inform(
            $"redo not necessary for {label}\n  reason: {inputCount} input(s) and {outputCount} output(s) as at its last redo, same definition, execution parameters and environment",
            run.Configuration.Levels.RedoReason);

    /// <summary>Logs the reason of a redo (a suspicious one at its own level).</summary>
    internal static void LogReason(RunState run, RedoReason reason)
    {
        var levels = run.Configuration.Levels;
        run.Configuration.Log.Inform(reason.Detail is null ? reason.Summary : $"{reason.Summary}\n  reason: {reason.Detail}",
            reason.IsSuspicious ? levels.RedoSuspiciousReason : levels.RedoReason);
    }

    /// <summary>
    /// Hands the redo to the context's scheduler; its failure carries where it was started. The instance's pending
    /// redo and its outputs' writer are known to later starts at once.
    /// </summary>
    private static Task<Tool> Schedule(Context context, ToolRedo redo, long instanceId, string startFile, int startLine)
    {
        var run = context.Run;
        var completion = new TaskCompletionSource<Tool>(TaskCreationOptions.RunContinuationsAsynchronously);
        Task scheduled;
        try
        {
            scheduled = ScheduleRedo(context, redo, completion, startFile, startLine);
        }
        catch (OperationCanceledException)
        {
            // Interrupted while waiting for a slot: it never gets a block of its own, so its reason is said here, and
            // the interruption's "not run" count names no redo the output has not shown.
            LogReason(run, redo.Reason);
            throw;
        }
        run.PendingByInstance[instanceId] = scheduled;
        foreach (var output in redo.Outputs)
            run.OutputsOfStartedRedos[output] = redo.Description;
        return completion.Task;
    }

    private static Task ScheduleRedo(Context context, ToolRedo redo, TaskCompletionSource<Tool> completion, string startFile, int startLine)
    {
        var run = context.Run;
        return context.Scheduler.Schedule(async () =>
        {
            Context.MarkRedoFlow();
            if (!run.Configuration.KeepGoing && Volatile.Read(ref run.FirstRedoFailure) is not null)
            {
                // Not a failure of its own: the scheduler does not keep it, so the context reports the redo that failed.
                var notStarted = new RedoException($"redo not started: another redo of the run failed\n  | 'kiln build -k' (Configuration.KeepGoing) keeps going after a failure");
                FailedRedo.Attach(notStarted, redo.Description, startFile, startLine);
                FailedRedo.MarkNotStarted(notStarted);
                completion.SetException(notStarted);
                return;
            }
            try
            {
                run.ThrowIfInterrupted();
                completion.SetResult(await redo.RunAsync().ConfigureAwait(false));
            }
            catch (Exception e)
            {
                FailedRedo.Attach(e, redo.Description, startFile, startLine);
                if (!run.IsInterrupted)
                {
                    Interlocked.CompareExchange(ref run.FirstRedoFailure, e, null);
                    run.Configuration.RedoFailed?.Invoke(e);
                }
                completion.SetException(e);
                throw;
            }
        });
    }
}
