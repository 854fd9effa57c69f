using Kiln.Jit.Cache;

namespace Kiln.Jit.Tests.Cache;

/// <summary>What needs real files: a damaged library found by a full hash and removed under a real flock, and an
/// evicted entry rebuilt by the real compiler. The decisions alone are in <see cref="JitCacheLogicTests"/>.</summary>
public sealed class JitCacheTests
{
    private static JitLibrary Build(JitFixture f, string sig, int value) =>
        new JitCompiler().Jit(new JitRequest { Signature = sig, CacheDirectory = f.Cache, Generate = s => JitFixture.ValueCode(s, value) });

    [Fact]
    public void Verify_reports_a_damaged_library_and_repair_removes_the_entry()
    {
        using var f = new JitFixture();
        var r = JitFixture.RunHost("--cache", f.Cache, "--signature", "verifyMe", "--value", "3");
        var path = r.GetProperty("path").GetString()!;
        Assert.All(JitCache.Open(f.Cache).Verify(), v => Assert.True(v.Ok));
        var bytes = File.ReadAllBytes(path);
        bytes[^10] ^= 0xff;
        File.WriteAllBytes(path + ".x", bytes);
        File.Move(path + ".x", path, overwrite: true);
        var bad = Assert.Single(JitCache.Open(f.Cache).Verify());
        Assert.False(bad.Ok);
        Assert.Contains("SHA-256", bad.Reason, StringComparison.Ordinal);
        var repaired = Assert.Single(JitCache.Open(f.Cache).Verify(repair: true));
        Assert.True(repaired.Repaired);
        Assert.Empty(JitCache.Open(f.Cache).Entries());
        Assert.False(File.Exists(path));
    }

    [Fact]
    public void An_evicted_entry_is_rebuilt_on_the_next_request()
    {
        using var f = new JitFixture();
        Build(f, "again", 4);
        JitCache.Open(f.Cache).Evict(0, null);
        var lib = Build(f, "again", 4);
        Assert.True(lib.WasBuilt);
    }
}
