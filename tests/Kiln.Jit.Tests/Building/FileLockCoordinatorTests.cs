using System.Diagnostics;
using Kiln.Jit.Building;

namespace Kiln.Jit.Tests.Building;

public sealed class FileLockCoordinatorTests
{
    private static readonly string Key = new('a', 64);

    [Fact]
    public async Task Eight_processes_on_one_cold_key_compile_once_and_all_get_a_working_library()
    {
        using var f = new JitFixture();
        var cc = f.CountingCompiler();
        var processes = Enumerable.Range(0, 8)
            .Select(_ => JitFixture.StartHost("--cache", f.Cache, "--signature", "cold8", "--value", "88", "--compiler", cc, "--generate-delay-ms", "300"))
            .ToList();
        var results = await Task.WhenAll(processes.Select(p => Task.Run(() => JitFixture.Finish(p))));
        foreach (var p in processes)
            p.Dispose();
        Assert.All(results, r => Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString()));
        Assert.All(results, r => Assert.Equal(88, r.GetProperty("value").GetInt32()));
        Assert.Single(results.Select(r => r.GetProperty("key").GetString()).Distinct());
        Assert.Equal(1, results.Count(r => r.GetProperty("built").GetBoolean()));
        Assert.Equal(1, f.Compiles);
    }

    [Fact]
    public async Task Four_threads_with_separate_compilers_on_one_cold_key_compile_once()
    {
        using var f = new JitFixture();
        var cc = f.CountingCompiler();
        var generated = 0;
        var libraries = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => new JitCompiler().Jit(new JitRequest
        {
            Signature = "threads4", CacheDirectory = f.Cache, Build = new JitBuildOptions { Compiler = cc },
            Generate = s =>
            {
                Interlocked.Increment(ref generated);
                Thread.Sleep(200);
                return JitFixture.ValueCode(s, 4);
            },
        }))));
        Assert.Equal(1, generated);
        Assert.Equal(1, f.Compiles);
        Assert.Single(libraries.Select(l => l.Key).Distinct());
        Assert.All(libraries, l => Assert.Equal(4, JitFixture.CallValue(l)));
    }

    [Fact]
    public void When_the_building_process_is_killed_another_takes_over_and_finishes()
    {
        using var f = new JitFixture();
        var cc = f.CountingCompiler();
        var ready = Path.Combine(f.Root, "builder-ready");
        using var builder = JitFixture.StartHost("--cache", f.Cache, "--signature", "killed", "--value", "5", "--compiler", cc,
            "--generate-delay-ms", "600000", "--ready-file", ready);
        var wait = Stopwatch.StartNew();
        while (!File.Exists(ready) && wait.Elapsed < TimeSpan.FromSeconds(60))
            Thread.Sleep(20);
        Assert.True(File.Exists(ready), "the first process never reached its generator");
        using var waiter = JitFixture.StartHost("--cache", f.Cache, "--signature", "killed", "--value", "5", "--compiler", cc);
        Thread.Sleep(500); // let the second process reach the lock and wait on it
        builder.Kill(); // SIGKILL: no cleanup runs in the builder
        builder.WaitForExit();
        var result = JitFixture.Finish(waiter);
        Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
        Assert.True(result.GetProperty("built").GetBoolean());
        Assert.Equal(5, result.GetProperty("value").GetInt32());
        Assert.Equal(1, f.Compiles);
    }

    [Fact]
    public async Task A_held_lock_makes_a_second_claim_wait_and_time_out_naming_the_holder()
    {
        using var f = new JitFixture();
        Directory.CreateDirectory(Path.Combine(f.Cache, "locks"));
        Directory.CreateDirectory(Path.Combine(f.Cache, "tmp"));
        var coordinator = new FileLockCoordinator();
        var claim = new BuildClaim(f.Cache, Key, "held", TimeSpan.FromMilliseconds(200));
        using var lease = await coordinator.AcquireAsync(claim, TestContext.Current.CancellationToken);
        var e = await Assert.ThrowsAsync<JitLockTimeoutException>(async () => await coordinator.AcquireAsync(claim, TestContext.Current.CancellationToken));
        Assert.Contains($"pid {Environment.ProcessId}", e.Message, StringComparison.Ordinal);
        Assert.Contains("held", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_released_lock_can_be_taken_again()
    {
        using var f = new JitFixture();
        Directory.CreateDirectory(Path.Combine(f.Cache, "locks"));
        Directory.CreateDirectory(Path.Combine(f.Cache, "tmp"));
        var coordinator = new FileLockCoordinator();
        var claim = new BuildClaim(f.Cache, Key, "again", TimeSpan.FromMilliseconds(200));
        (await coordinator.AcquireAsync(claim, TestContext.Current.CancellationToken)).Dispose();
        using var second = await coordinator.AcquireAsync(claim, TestContext.Current.CancellationToken);
        Assert.NotNull(second);
    }

    [Fact]
    public async Task Waiting_for_a_lock_can_be_cancelled()
    {
        using var f = new JitFixture();
        Directory.CreateDirectory(Path.Combine(f.Cache, "locks"));
        Directory.CreateDirectory(Path.Combine(f.Cache, "tmp"));
        var coordinator = new FileLockCoordinator();
        var claim = new BuildClaim(f.Cache, Key, "cancel", TimeSpan.FromMinutes(5));
        using var lease = await coordinator.AcquireAsync(claim, TestContext.Current.CancellationToken);
        using var cts = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await coordinator.AcquireAsync(claim, cts.Token));
    }
}
