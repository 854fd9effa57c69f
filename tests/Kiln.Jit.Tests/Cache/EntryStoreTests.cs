using System.Security.Cryptography;
using Kiln.Jit.Cache;
using Kiln.Jit.Signatures;

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

    [Fact]
    public void Publish_moves_the_staged_files_stamps_the_manifest_points_the_base_key_at_it_and_drops_the_failure_record()
    {
        using var f = new JitFixture();
        var layout = new CacheLayout(f.Cache);
        layout.EnsureCreated();
        var staging = Directory.CreateDirectory(Path.Combine(layout.Tmp, "stage")).FullName;
        var library = Path.Combine(staging, "lib");
        File.WriteAllBytes(library, [1, 2, 3, 4]);
        var header = Path.Combine(staging, "h");
        File.WriteAllText(header, "#define X 1\n");
        var key = new string('c', 64);
        var baseKey = new string('b', 64);
        File.WriteAllText(layout.FailureRecordPath(baseKey), "an earlier failure");
        var manifest = new EntryManifest
        {
            Key = key, BaseKey = baseKey, Signature = "published", LibrarySize = 4,
            LibrarySha256 = KeyInputs.HashFile(library), InputText = "inputs\n",
        };

        var published = EntryStore.Publish(layout, new StagedEntry(staging, library, Header: header), manifest);

        Assert.Equal(EntryStore.StampOf(layout.LibraryPath(key)), published.LibraryStamp);
        Assert.Equal(published.LibraryStamp, EntryStore.ReadManifest(layout, key, out _)!.LibraryStamp);
        Assert.Equal(key, EntryStore.ReadPointer(layout, baseKey));
        Assert.Equal("#define X 1\n", File.ReadAllText(layout.HeaderPath(key)));
        Assert.False(File.Exists(layout.FailureRecordPath(baseKey)));
        Assert.False(File.Exists(library));
        Assert.Equal(EntryState.Valid, EntryStore.Check(layout, key, baseKey, "inputs\n", fullVerification: true).State);
    }
}
