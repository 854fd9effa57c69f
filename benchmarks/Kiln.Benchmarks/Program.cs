using System.Globalization;
using BenchmarkDotNet.Running;

namespace Kiln.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/Kiln.Benchmarks -- --filter '*'</c> runs the
/// BenchmarkDotNet benchmarks; <c>-- breakdown [instances] [rounds]</c> prints where a no-op run's time goes;
/// <c>-- loop [instances] [runs]</c> only runs no-op builds (for a profiler); <c>-- empty-runs [instances] [runs]</c>
/// prints the root context's entry and exit times and the WAL's size every 25 runs; <c>-- runs [instances] [runs]</c>
/// times whole no-op runs (wall and thread CPU, min and median).
/// </summary>
public static class Program
{
    public static void Main(string[] args)
    {
        if (args.Length > 0 && args[0] == "breakdown")
        {
            Breakdown.Run(
                args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000,
                args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 5);
            return;
        }
        if (args.Length > 0 && args[0] == "runs")
        {
            // Whole no-op runs timed one by one: wall time and the main thread's CPU time (which the machine's load
            // inflates far less than wall time; a no-op run does all its work on this thread).
            using var tree = new BenchTree(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000);
            var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 21;
            for (var i = 0; i < 3; i++)
                tree.Build();
            var wall = new List<double>();
            var cpu = new List<double>();
            var queued = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var queued0 = ThreadCpu.RunQueueDelayNanoseconds();
                var cpu0 = ThreadCpu.Nanoseconds();
                var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                if (tree.Build() != 0)
                    throw new InvalidOperationException("a no-op run redid something");
                wall.Add(System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMicroseconds / tree.Tools.Length);
                cpu.Add((ThreadCpu.Nanoseconds() - cpu0) / 1000.0 / tree.Tools.Length);
                queued.Add((ThreadCpu.RunQueueDelayNanoseconds() - queued0) / 1000.0 / tree.Tools.Length);
            }
            wall.Sort();
            cpu.Sort();
            queued.Sort();
            Console.WriteLine($"{tree.Tools.Length} instances, {runs} no-op runs, µs per instance: " +
                $"wall min {wall[0]:F2} median {wall[runs / 2]:F2}; thread CPU min {cpu[0]:F2} median {cpu[runs / 2]:F2}; " +
                $"waiting for a CPU min {queued[0]:F2} median {queued[runs / 2]:F2}");
            return;
        }
        if (args.Length > 0 && args[0] == "empty-runs")
        {
            // Root context entry and exit over many runs, with the size of the WAL: does a run's fixed cost grow?
            using var tree = new BenchTree(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 0);
            var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 400;
            var wal = Path.Combine(tree.Root, ".kiln", "runs-1.sqlite-wal");
            double enter = 0, exit = 0;
            for (var i = 1; i <= runs; i++)
            {
                var t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                var context = new Context(1, tree.Configuration, tree.Root);
                enter += System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                context.Dispose();
                exit += System.Diagnostics.Stopwatch.GetElapsedTime(t0).TotalMilliseconds;
                if (i % 25 == 0)
                {
                    Console.WriteLine($"runs {i - 24,4}-{i,4}: entry {enter / 25:F2} ms, exit {exit / 25:F2} ms, WAL {(File.Exists(wal) ? new FileInfo(wal).Length / 1024 : 0)} KiB");
                    enter = exit = 0;
                }
            }
            return;
        }
        if (args.Length > 0 && args[0] == "loop")
        {
            // For a profiler (dotnet-trace collect -- …): one tree, then this many no-op runs.
            using var tree = new BenchTree(args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 10_000);
            var runs = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 20;
            for (var i = 0; i < runs; i++)
                tree.Build();
            return;
        }
        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
    }
}
