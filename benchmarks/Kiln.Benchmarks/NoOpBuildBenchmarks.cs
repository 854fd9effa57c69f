using BenchmarkDotNet.Attributes;

namespace Kiln.Benchmarks;

/// <summary>
/// The no-op decision (issue target: at most 20 µs per tool instance): one run on a working tree whose
/// instances are all up to date — enter a root context, start every instance (none needs a redo), leave the
/// context. Times are per tool instance (<c>OperationsPerInvoke</c>); the root context's entry and exit,
/// including the wait for the working-tree time to advance, are spread over the instances and measured alone
/// by <see cref="EmptyRun"/>.
/// </summary>
[SimpleJob(launchCount: 1, warmupCount: 2, iterationCount: 5)]
[MemoryDiagnoser]
[MinColumn, MedianColumn]
public class NoOpBuildBenchmarks
{
    private BenchTree? _tree1000;
    private BenchTree? _tree10000;

    [GlobalSetup(Target = nameof(NoOp1000))]
    public void Setup1000() => _tree1000 = new BenchTree(1000);

    [GlobalSetup(Target = nameof(NoOp10000))]
    public void Setup10000() => _tree10000 = new BenchTree(10_000);

    [GlobalSetup(Target = nameof(EmptyRun))]
    public void SetupEmpty() => _tree1000 = new BenchTree(0);

    [GlobalCleanup]
    public void Cleanup()
    {
        _tree1000?.Dispose();
        _tree10000?.Dispose();
    }

    /// <summary>A run on 1 000 up-to-date instances; time per instance.</summary>
    [Benchmark(OperationsPerInvoke = 1000)]
    public int NoOp1000() => Check(_tree1000!.Build());

    /// <summary>A run on 10 000 up-to-date instances; time per instance.</summary>
    [Benchmark(OperationsPerInvoke = 10_000)]
    public int NoOp10000() => Check(_tree10000!.Build());

    /// <summary>A run that starts nothing: the root context's entry and exit alone.</summary>
    [Benchmark]
    public int EmptyRun() => _tree1000!.Build();

    private static int Check(int redone) =>
        redone == 0 ? 0 : throw new InvalidOperationException($"{redone} instances were redone in a no-op run");
}
