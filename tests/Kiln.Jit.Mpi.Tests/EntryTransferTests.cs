namespace Kiln.Jit.Mpi.Tests;

public sealed class EntryTransferTests : IDisposable
{
    private readonly Scratch _scratch = new();

    public void Dispose() => _scratch.Dispose();

    private (JitLibrary Library, string Compiler) BuildInto(string cache, string signature)
    {
        var compiler = _scratch.CountingCompiler();
        return (new JitCompiler().Jit(Scratch.Request(signature, cache, compiler, 11)), compiler);
    }

    [Fact]
    public void A_packed_entry_installed_in_another_directory_is_a_hit_there_without_compiling()
    {
        var (built, compiler) = BuildInto(_scratch.Cache("a"), "transfer-ok");
        var message = EntryTransfer.Pack(_scratch.Cache("a"), built.Key);

        var key = EntryTransfer.Install(_scratch.Cache("b"), null, message);

        Assert.Equal(built.Key, key);
        var loaded = new JitCompiler().Jit(Scratch.Request("transfer-ok", _scratch.Cache("b"), compiler, 11));
        Assert.False(loaded.WasBuilt);
        Assert.Equal(built.Key, loaded.Key);
        Assert.Equal(11, Scratch.CallValue(loaded));
        Assert.Equal(1, _scratch.Compiles);
    }

    [Fact]
    public void An_installed_entry_is_stamped_with_the_receivers_library_so_its_hits_take_the_stat_fast_path()
    {
        var (built, _) = BuildInto(_scratch.Cache("a"), "transfer-stamp");
        var message = EntryTransfer.Pack(_scratch.Cache("a"), built.Key);

        var key = EntryTransfer.Install(_scratch.Cache("b"), null, message);

        var receiver = new Kiln.Jit.Cache.CacheLayout(_scratch.Cache("b"));
        var manifest = Kiln.Jit.Cache.EntryStore.ReadManifest(receiver, key, out _)!;
        var sender = Kiln.Jit.Cache.EntryStore.ReadManifest(new Kiln.Jit.Cache.CacheLayout(_scratch.Cache("a")), key, out _)!;
        Assert.Equal(Kiln.Jit.Cache.EntryStore.StampOf(receiver.LibraryPath(key)), manifest.LibraryStamp);
        Assert.NotEqual(sender.LibraryStamp, manifest.LibraryStamp);
        Assert.Equal(sender.LibrarySha256, manifest.LibrarySha256);
        Assert.Equal(sender.InputText, manifest.InputText);
    }

    [Fact]
    public void A_corrupted_library_is_rejected_by_its_hash_and_nothing_is_published()
    {
        var (built, _) = BuildInto(_scratch.Cache("a"), "transfer-corrupt");
        var message = EntryTransfer.Pack(_scratch.Cache("a"), built.Key);
        message[^10] ^= 0xFF;

        var e = Assert.Throws<JitCacheException>(() => EntryTransfer.Install(_scratch.Cache("b"), null, message));

        Assert.Contains("does not match the SHA-256", e.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(Path.Combine(_scratch.Cache("b"), "manifest")));
    }

    [Fact]
    public void An_entry_for_another_base_key_is_rejected_naming_the_cause()
    {
        var (built, _) = BuildInto(_scratch.Cache("a"), "transfer-other");
        var message = EntryTransfer.Pack(_scratch.Cache("a"), built.Key);

        var e = Assert.Throws<JitCacheException>(() => EntryTransfer.Install(_scratch.Cache("b"), new string('0', 64), message));

        Assert.Contains("make the build environment identical", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_truncated_message_is_rejected()
    {
        var (built, _) = BuildInto(_scratch.Cache("a"), "transfer-short");
        var message = EntryTransfer.Pack(_scratch.Cache("a"), built.Key);

        Assert.Throws<JitCacheException>(() => EntryTransfer.Install(_scratch.Cache("b"), null, message[..(message.Length / 2)]));
    }
}
