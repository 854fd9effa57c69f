using Kiln.Jit.Building;

namespace Kiln.Jit.Mpi.Tests;

public sealed class MpiBuildCoordinatorTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_probe_stops_a_miss_at_the_coordinator_and_reports_the_claim_without_compiling()
    {
        var compiler = new JitCompiler(new JitCompilerOptions { Coordinator = new MpiBuildCoordinator() });
        var request = Scratch.Request("probe-miss", _scratch.Cache("c"), _scratch.CountingCompiler());

        var library = MpiBuildCoordinator.Probe(() => compiler.Jit(request), out var claim);

        Assert.Null(library);
        Assert.NotNull(claim);
        Assert.Equal(64, claim.BaseKey.Length);
        Assert.Equal("probe-miss", claim.Signature);
        Assert.Equal(0, _scratch.Compiles);
    }

    [Fact]
    public void Outside_a_probe_it_builds_under_the_file_lock_and_a_later_probe_hits()
    {
        var compiler = new JitCompiler(new JitCompilerOptions { Coordinator = new MpiBuildCoordinator() });
        var request = Scratch.Request("probe-hit", _scratch.Cache("c"), _scratch.CountingCompiler());

        var built = compiler.Jit(request);
        var probed = MpiBuildCoordinator.Probe(() => new JitCompiler(new JitCompilerOptions { Coordinator = new MpiBuildCoordinator() }).Jit(request), out var claim);

        Assert.True(built.WasBuilt);
        Assert.NotNull(probed);
        Assert.Null(claim);
        Assert.Equal(built.Key, probed.Key);
        Assert.Equal(1, _scratch.Compiles);
    }

    [Fact]
    public async Task Outside_a_probe_a_held_key_times_out_like_the_file_lock()
    {
        var coordinator = new MpiBuildCoordinator();
        var claim = new BuildClaim(_scratch.Cache("c"), new string('a', 64), "held", TimeSpan.FromMilliseconds(100));
        Directory.CreateDirectory(Path.Combine(_scratch.Cache("c"), "locks"));
        using var held = await coordinator.AcquireAsync(claim, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<JitLockTimeoutException>(async () => await coordinator.AcquireAsync(claim, TestContext.Current.CancellationToken));
    }
}
