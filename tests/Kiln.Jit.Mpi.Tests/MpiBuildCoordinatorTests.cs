using Kiln.Jit.Building;

namespace Kiln.Jit.Mpi.Tests;

public sealed class MpiBuildCoordinatorTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    [Fact]
    public void A_lookup_stops_at_a_miss_and_reports_the_claim_without_compiling()
    {
        var compiler = new JitCompiler(new JitCompilerOptions { Coordinator = new MpiBuildCoordinator() });
        var request = Scratch.Request("probe-miss", _scratch.Cache("c"), _scratch.CountingCompiler());

        var lookup = compiler.Lookup(request);

        Assert.Null(lookup.Library);
        Assert.Equal(64, lookup.Claim.BaseKey.Length);
        Assert.Equal("probe-miss", lookup.Claim.Signature);
        Assert.Equal(0, _scratch.Compiles);
    }

    [Fact]
    public async Task The_claimed_build_of_a_lookup_runs_under_the_file_lock_once_and_a_later_lookup_hits()
    {
        var compiler = new JitCompiler(new JitCompilerOptions { Coordinator = new MpiBuildCoordinator() });
        var request = Scratch.Request("probe-hit", _scratch.Cache("c"), _scratch.CountingCompiler());

        var lookup = compiler.Lookup(request);
        var built = await compiler.ClaimAndBuildAsync(lookup, TestContext.Current.CancellationToken);
        var again = new JitCompiler(new JitCompilerOptions { Coordinator = new MpiBuildCoordinator() }).Lookup(request);

        Assert.True(built.WasBuilt);
        Assert.Same(built, lookup.Library);
        Assert.NotNull(again.Library);
        Assert.Equal(built.Key, again.Library.Key);
        Assert.Equal(1, _scratch.Compiles);
    }

    [Fact]
    public void Jit_with_the_coordinator_builds_under_the_file_lock_and_a_later_lookup_hits()
    {
        var compiler = new JitCompiler(new JitCompilerOptions { Coordinator = new MpiBuildCoordinator() });
        var request = Scratch.Request("jit-hit", _scratch.Cache("c"), _scratch.CountingCompiler());

        var built = compiler.Jit(request);
        var probed = new JitCompiler(new JitCompilerOptions { Coordinator = new MpiBuildCoordinator() }).Lookup(request);

        Assert.True(built.WasBuilt);
        Assert.NotNull(probed.Library);
        Assert.Equal(built.Key, probed.Library.Key);
        Assert.Equal(1, _scratch.Compiles);
    }

    [Fact]
    public async Task A_held_key_times_out_like_the_file_lock()
    {
        var coordinator = new MpiBuildCoordinator();
        var claim = new BuildClaim(_scratch.Cache("c"), new string('a', 64), "held", TimeSpan.FromMilliseconds(100));
        Directory.CreateDirectory(Path.Combine(_scratch.Cache("c"), "locks"));
        using var held = await coordinator.AcquireAsync(claim, TestContext.Current.CancellationToken);

        await Assert.ThrowsAsync<JitLockTimeoutException>(async () => await coordinator.AcquireAsync(claim, TestContext.Current.CancellationToken));
    }
}
