using System.Security.Cryptography;

namespace Kiln.Jit.Tests.Cache;

// Corruption is done between child processes: this test process never maps the library it damages
// (truncating a mapped library would crash the process that mapped it — the reason entries are immutable).
public sealed class EntryStoreTests
{
    private static string BuildInChild(JitFixture f, string sig, int value)
    {
        var r = JitFixture.RunHost("--cache", f.Cache, "--signature", sig, "--value", value.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString());
        return r.GetProperty("path").GetString()!;
    }

    [Fact]
    public void A_truncated_library_is_detected_quarantined_and_rebuilt()
    {
        using var f = new JitFixture();
        var path = BuildInChild(f, "trunc", 11);
        using (var s = new FileStream(path, FileMode.Open))
            s.SetLength(s.Length / 2);
        var r = JitFixture.RunHost("--cache", f.Cache, "--signature", "trunc", "--value", "11");
        Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString());
        Assert.True(r.GetProperty("built").GetBoolean());
        Assert.Equal(11, r.GetProperty("value").GetInt32());
        Assert.Equal(1, Kiln.Jit.Cache.JitCache.Open(f.Cache).Statistics().Rebuilds);
    }

    [Fact]
    public void A_library_replaced_by_random_bytes_of_the_same_size_is_detected_and_rebuilt()
    {
        using var f = new JitFixture();
        var path = BuildInChild(f, "random", 12);
        var size = new FileInfo(path).Length;
        var tmp = path + ".garbage";
        File.WriteAllBytes(tmp, RandomNumberGenerator.GetBytes((int)size));
        File.Move(tmp, path, overwrite: true);
        var r = JitFixture.RunHost("--cache", f.Cache, "--signature", "random", "--value", "12");
        Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString());
        Assert.True(r.GetProperty("built").GetBoolean());
        Assert.Equal(12, r.GetProperty("value").GetInt32());
    }

    [Fact]
    public void A_library_overwritten_in_place_with_the_same_size_is_detected_and_rebuilt()
    {
        using var f = new JitFixture();
        var path = BuildInChild(f, "inplace", 15);
        using (var s = new FileStream(path, FileMode.Open, FileAccess.ReadWrite))
        {
            s.Seek(-64, SeekOrigin.End);
            s.Write(new byte[16]);
        }
        var r = JitFixture.RunHost("--cache", f.Cache, "--signature", "inplace", "--value", "15");
        Assert.True(r.GetProperty("ok").GetBoolean(), r.ToString());
        Assert.True(r.GetProperty("built").GetBoolean());
        Assert.Equal(15, r.GetProperty("value").GetInt32());
    }

    [Fact]
    public void A_truncated_manifest_is_detected_and_the_entry_rebuilt()
    {
        using var f = new JitFixture();
        var path = BuildInChild(f, "badmanifest", 13);
        var key = Path.GetFileNameWithoutExtension(path)["libkiln-".Length..];
        var manifest = Path.Combine(f.Cache, "manifest", key + ".txt");
        File.WriteAllText(manifest, File.ReadAllText(manifest)[..40]);
        var r = JitFixture.RunHost("--cache", f.Cache, "--signature", "badmanifest", "--value", "13");
        Assert.True(r.GetProperty("built").GetBoolean());
        Assert.Equal(13, r.GetProperty("value").GetInt32());
    }

    [Fact]
    public void A_valid_entry_is_a_hit_in_a_fresh_process()
    {
        using var f = new JitFixture();
        BuildInChild(f, "valid", 14);
        var r = JitFixture.RunHost("--cache", f.Cache, "--signature", "valid", "--value", "14");
        Assert.False(r.GetProperty("built").GetBoolean());
        Assert.Equal(14, r.GetProperty("value").GetInt32());
    }
}
