using System.Globalization;
using BenchmarkDotNet.Running;

namespace Kiln.Benchmarks;

/// <summary>
/// Entry point: <c>dotnet run -c Release --project benchmarks/Kiln.Benchmarks -- --filter '*'</c> runs the
/// BenchmarkDotNet benchmarks; <c>-- breakdown [instances] [rounds]</c> prints where a no-op run's time goes;
/// <c>-- loop [instances] [runs]</c> only runs no-op builds (for a profiler).
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
