using System.Diagnostics;
using Kiln.Paths;
using Kiln.Rebuild;
using Kiln.Scheduling;
using Kiln.Tools;
using Kiln.WorkingTree;

namespace Kiln.Benchmarks;

/// <summary>
/// Where the time of a no-op run goes: each step of <c>ToolRun.Start</c> timed alone with a stopwatch over every
/// instance of an up-to-date tree, inside one open root context (best of several rounds), and the root context's
/// entry and exit. A scratch instrument for docs/performance.md, not a BenchmarkDotNet benchmark:
/// <c>dotnet run -c Release --project benchmarks/Kiln.Benchmarks -- breakdown [instances] [rounds]</c>.
/// </summary>
public static class Breakdown
{
    public static void Run(int instanceCount, int rounds)
    {
        using var tree = new BenchTree(instanceCount);
        var tools = tree.Tools;
        for (var i = 0; i < 3; i++)
            tree.Build(); // warm up: JIT, page cache, SQLite cache

        var rows = new List<(string Step, double WallUs, double CpuUs, long Bytes)>();
        void Step(string name, Context context, Action<Context, CopyTool> action)
        {
            double wall = double.MaxValue, cpu = double.MaxValue;
            var bytes = long.MaxValue;
            for (var r = 0; r < rounds; r++)
            {
                var bytes0 = GC.GetAllocatedBytesForCurrentThread();
                var cpu0 = ThreadCpu.Nanoseconds();
                var sw = Stopwatch.StartNew();
                foreach (var t in tools)
                    action(context, t);
                wall = Math.Min(wall, sw.Elapsed.TotalMicroseconds / tools.Length);
                cpu = Math.Min(cpu, (ThreadCpu.Nanoseconds() - cpu0) / 1000.0 / tools.Length);
                bytes = Math.Min(bytes, (GC.GetAllocatedBytesForCurrentThread() - bytes0) / tools.Length);
            }
            rows.Add((name, wall, cpu, bytes));
        }

        using (var context = new Context(1, tree.Configuration, tree.Root))
        {
            var run = context.Run;
            var root = context.RootPath;
            var descriptor = ToolDescriptor.For(typeof(CopyTool));
            var log = run.Configuration.Log;
            var levels = run.Configuration.Levels;
            var ids = new Dictionary<CopyTool, long>();
            var toolKey = ToolDefinitions.IdentityOf(typeof(CopyTool), run.Tree.RootNative, run.DefinitionDigests).Key + "|x";
            foreach (var t in tools)
                ids[t] = t.Start().InstanceId;

            Step("whole Start() (no redo)", context, (c, t) => ToolRun.Start(c, t, false, "", 0));
            Step("ToolDescriptor.For + Validate", context, (c, t) => ToolDescriptor.For(t.GetType()).Validate(t));
            Step("ToolDefinitions.IdentityOf (uncached)", context, (c, t) => ToolDefinitions.IdentityOf(t.GetType(), run.Tree.RootNative, run.DefinitionDigests));
            Step("identity from the run's cache", context, (c, t) => run.Identities.TryGetValue(t.GetType(), out _));
            Step("Fingerprint (all)", context, (c, t) => descriptor.Fingerprint(t));
            Step("Fingerprint (dependencies only)", context, (c, t) => descriptor.Fingerprint(t, dependenciesOnly: true));
            Step("Fingerprints (both from one encoding)", context, (c, t) => descriptor.Fingerprints(t));
            var fp = tools.ToDictionary(t => t, t => (descriptor.Fingerprint(t), descriptor.Fingerprint(t, true)));
            var realKey = ToolDefinitions.IdentityOf(typeof(CopyTool), run.Tree.RootNative, run.DefinitionDigests).Key;
            Step("RunDatabase.LookUpInstance (key built per start)", context, (c, t) => run.Database.LookUpInstance(
                realKey + "|" + PlatformId(), fp[t].Item1, fp[t].Item2));
            var keyOfRun = run.Identities[typeof(CopyTool)].ToolKey;
            Step("RunDatabase.LookUpInstance (1 SELECT)", context, (c, t) => run.Database.LookUpInstance(keyOfRun, fp[t].Item1, fp[t].Item2));
            Step("log.Cluster enter + leave (suppressed)", context, (c, t) =>
            {
                using (log.Cluster("explicit input dependencies", levels.RedoNecessityCheck, isProgress: true, withTime: true))
                {
                }
            });
            Step("ManagedPaths.ToManaged x2", context, (c, t) =>
            {
                ManagedPaths.ToManaged(t.SourceFile, root, run.FileSystem);
                ManagedPaths.ToManaged(t.ObjectFile, root, run.FileSystem);
            });
            Step("lstat x2 (input, output)", context, (c, t) =>
            {
                run.FileSystem.Lstat(ManagedPaths.Native(t.SourceFile, root));
                run.FileSystem.Lstat(ManagedPaths.Native(t.ObjectFile, root));
            });
            Step("RunDatabase.LoadTrace (2 SELECTs)", context, (c, t) => run.Database.LoadTrace(ids[t]));
            var traces = tools.ToDictionary(t => t, t => run.Database.LoadTrace(ids[t]));
            var observations = tools.ToDictionary(t => t, t => new Observation(false,
                [new ObservedOutput(t.ObjectFile, run.FileSystem.Lstat(ManagedPaths.Native(t.ObjectFile, root)), FileKind.RegularFile)],
                [new ObservedInput(t.SourceFile, Store.RunDatabase.EncodePath(t.SourceFile), true, run.FileSystem.Lstat(ManagedPaths.Native(t.SourceFile, root)))],
                [], [], [], ToolDefinitions.IdentityOf(typeof(CopyTool), run.Tree.RootNative, run.DefinitionDigests).DefinitionDigest, "", false));
            Step("RedoRules.Decide", context, (c, t) =>
            {
                if (RedoRules.Decide(observations[t], traces[t]).IsNeeded)
                    throw new InvalidOperationException("redo needed");
            });
            Step("CopyForResult + StartedRun", context, (c, t) => _ = new StartedRun<CopyTool>(Task.FromResult(t.CopyForResult()), null, 0));
            Step("working-tree time (touch probe)", context, (c, t) => run.Tree.WorkingTreeTimeNs());
            _ = toolKey;
        }

        // The root context's entry and exit (best of the rounds).
        double enter = double.MaxValue, exit = double.MaxValue;
        for (var r = 0; r < rounds; r++)
        {
            var sw = Stopwatch.StartNew();
            var context = new Context(1, tree.Configuration, tree.Root);
            enter = Math.Min(enter, sw.Elapsed.TotalMicroseconds);
            sw.Restart();
            context.Dispose();
            exit = Math.Min(exit, sw.Elapsed.TotalMicroseconds);
        }

        // The same, step by step (as Context.EnterRoot and Context.LeaveRoot do them).
        var fs = PosixFileSystem.Instance;
        var rootNative = tree.Root.EndsWith('/') ? tree.Root : tree.Root + "/";
        var parts = new Dictionary<string, double>(StringComparer.Ordinal);
        void Part(string name, long startTimestamp)
        {
            var us = Stopwatch.GetElapsedTime(startTimestamp).TotalMicroseconds;
            parts[name] = parts.TryGetValue(name, out var best) ? Math.Min(best, us) : us;
        }
        for (var r = 0; r < rounds; r++)
        {
            var t0 = Stopwatch.GetTimestamp();
            var management = ManagementTree.Enter(fs, rootNative, Store.RunDatabase.FileName, Store.RunDatabase.OlderFileNames);
            Part("entry: ManagementTree.Enter (lock, t/, probe)", t0);
            t0 = Stopwatch.GetTimestamp();
            var startNs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000L;
            var database = Store.RunDatabase.Open(management.RunDatabaseNative, startNs, startNs - (30L * 86400 * 1_000_000_000));
            Part("entry: RunDatabase.Open (WAL, migrate, forget, insert run)", t0);
            t0 = Stopwatch.GetTimestamp();
            var state = new RunState(fs, management, database, tree.Configuration, SystemProcessRunner.Instance, 0);
            Part("entry: RunState (environment, PATH)", t0);
            t0 = Stopwatch.GetTimestamp();
            var timeBefore = management.WorkingTreeTimeNs();
            database.FinishRun(0, 0, 0);
            Part("exit: working-tree time + FinishRun", t0);
            t0 = Stopwatch.GetTimestamp();
            database.Commit();
            Part("exit: RunDatabase.Commit", t0);
            t0 = Stopwatch.GetTimestamp();
            management.WaitForWorkingTreeTimeToAdvance(timeBefore, TimeProvider.System, TimeSpan.FromSeconds(10));
            Part("exit: wait for working-tree time to advance", t0);
            t0 = Stopwatch.GetTimestamp();
            database.Dispose();
            management.Dispose();
            Part("exit: close database, remove t/, unlock", t0);
            GC.KeepAlive(state);
        }

        // A whole run, wall and CPU time.
        double wall = double.MaxValue, cpu = double.MaxValue, queued = double.MaxValue;
        for (var r = 0; r < rounds; r++)
        {
            var queued0 = ThreadCpu.RunQueueDelayNanoseconds();
            var cpu0 = ThreadCpu.Nanoseconds();
            var sw = Stopwatch.StartNew();
            tree.Build();
            wall = Math.Min(wall, sw.Elapsed.TotalMicroseconds);
            cpu = Math.Min(cpu, (ThreadCpu.Nanoseconds() - cpu0) / 1000.0);
            queued = Math.Min(queued, (ThreadCpu.RunQueueDelayNanoseconds() - queued0) / 1000.0);
        }

        Console.WriteLine($"no-op run breakdown, {instanceCount} instances, best of {rounds} rounds, per instance: µs wall, µs thread CPU, bytes allocated:");
        foreach (var (step, wallUs, cpuUs, bytes) in rows)
            Console.WriteLine($"  {step,-46} {wallUs,9:F2} {cpuUs,9:F2} {bytes,7}");
        Console.WriteLine($"root context entry: {enter / 1000:F2} ms; exit: {exit / 1000:F2} ms; of which, best of {rounds}:");
        foreach (var (part, us) in parts)
            Console.WriteLine($"  {part,-60} {us / 1000,7:F2} ms");
        Console.WriteLine($"whole run: {wall / 1000:F1} ms wall ({wall / instanceCount:F2} µs/instance), {cpu / 1000:F1} ms thread CPU ({cpu / instanceCount:F2} µs/instance), {queued / 1000:F1} ms waiting for a CPU (best of each)");
    }

    private static string PlatformId() => $"kiln {typeof(ToolRun).Assembly.GetName().Version} on .NET {Environment.Version}";
}
