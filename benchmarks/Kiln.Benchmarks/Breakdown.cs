using System.Diagnostics;
using Kiln.Paths;
using Kiln.Rebuild;
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

        var rows = new List<(string Step, double UsPerInstance)>();
        void Step(string name, Context context, Action<Context, CopyTool> action)
        {
            var best = double.MaxValue;
            for (var r = 0; r < rounds; r++)
            {
                var sw = Stopwatch.StartNew();
                foreach (var t in tools)
                    action(context, t);
                best = Math.Min(best, sw.Elapsed.TotalMicroseconds / tools.Length);
            }
            rows.Add((name, best));
        }

        using (var context = new Context(1, tree.Configuration, tree.Root))
        {
            var run = context.Run;
            var root = context.RootPath;
            var descriptor = ToolDescriptor.For(typeof(CopyTool));
            var log = run.Configuration.Log;
            var levels = run.Configuration.Levels;
            var ids = new Dictionary<CopyTool, long>();
            var toolKey = ToolDefinitions.IdentityOf(typeof(CopyTool), run.DefinitionDigests).Key + "|x";
            foreach (var t in tools)
                ids[t] = t.Start().InstanceId;

            Step("whole Start() (no redo)", context, (c, t) => ToolRun.Start(c, t, false));
            Step("ToolDescriptor.For + Validate", context, (c, t) => ToolDescriptor.For(t.GetType()).Validate(t));
            Step("ToolDefinitions.IdentityOf", context, (c, t) => ToolDefinitions.IdentityOf(t.GetType(), run.DefinitionDigests));
            Step("Fingerprint (all)", context, (c, t) => descriptor.Fingerprint(t));
            Step("Fingerprint (dependencies only)", context, (c, t) => descriptor.Fingerprint(t, dependenciesOnly: true));
            var fp = tools.ToDictionary(t => t, t => (descriptor.Fingerprint(t), descriptor.Fingerprint(t, true)));
            var realKey = ToolDefinitions.IdentityOf(typeof(CopyTool), run.DefinitionDigests).Key;
            Step("RunDatabase.GetOrRegisterInstance (SELECT)", context, (c, t) => run.Database.GetOrRegisterInstance(
                realKey + "|" + PlatformId(), fp[t].Item1, fp[t].Item2));
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
                [], [], [], ToolDefinitions.IdentityOf(typeof(CopyTool), run.DefinitionDigests).DefinitionDigest, "", false));
            Step("RedoRules.Decide", context, (c, t) =>
            {
                if (RedoRules.Decide(observations[t], traces[t]).IsNeeded)
                    throw new InvalidOperationException("redo needed");
            });
            Step("CopyForResult + StartedRun", context, (c, t) => _ = new StartedRun<CopyTool>(Task.FromResult((CopyTool)t.CopyForResult()), null, 0));
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

        // A whole run, wall and CPU time.
        double wall = double.MaxValue, cpu = double.MaxValue;
        for (var r = 0; r < rounds; r++)
        {
            var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
            var sw = Stopwatch.StartNew();
            tree.Build();
            wall = Math.Min(wall, sw.Elapsed.TotalMicroseconds);
            cpu = Math.Min(cpu, (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMicroseconds);
        }

        Console.WriteLine($"no-op run breakdown, {instanceCount} instances, best of {rounds} rounds, µs per instance:");
        foreach (var (step, us) in rows)
            Console.WriteLine($"  {step,-46} {us,9:F2}");
        Console.WriteLine($"root context entry: {enter / 1000:F2} ms; exit: {exit / 1000:F2} ms");
        Console.WriteLine($"whole run: {wall / 1000:F1} ms wall ({wall / instanceCount:F2} µs/instance), {cpu / 1000:F1} ms CPU");
    }

    private static string PlatformId() => $"kiln {typeof(ToolRun).Assembly.GetName().Version} on .NET {Environment.Version}";
}
