using System.IO.Compression;
using System.Text;
using Kiln.Jit.Cache;
using Kiln.Jit.Signatures;

namespace Kiln.Jit.Tests.Fakes;

/// <summary>
/// A JIT cache on an <see cref="InMemoryCacheFileSystem"/>, with a (never run) compiler file and helpers that publish
/// entries the way a build does (<see cref="EntryStore.Publish"/> from a private folder), so the cache's logic —
/// look-up, failure records, listing, eviction, cleaning, statistics — is tested without a compiler or a disk.
/// </summary>
internal sealed class FakeCache
{
    public FakeCache()
    {
        Layout = new CacheLayout("/fake/cache", Files);
        Files.CreateDirectory("/fake/bin");
        Files.WriteAllText(Compiler, "#!/bin/sh\nexit 99\n");
        Files.MakeExecutable(Compiler);
    }

    public InMemoryCacheFileSystem Files { get; } = new();

    public CacheLayout Layout { get; }

    public string Root => Layout.Root;

    public string Compiler => "/fake/bin/gcc";

    public JitCache Cache => JitCache.Open(Layout);

    /// <summary>Publishes an entry for <paramref name="signature"/>: a library of <paramref name="libraryBytes"/> bytes,
    /// a header and a gzip-compressed C source.</summary>
    public EntryManifest Publish(string signature, int libraryBytes = 100, string header = "", string source = "int f(void) { return 1; }\n")
    {
        Layout.EnsureCreated();
        var key = KeyInputs.Hash("key of " + signature);
        var baseKey = KeyInputs.Hash("base key of " + signature);
        var staging = Path.Combine(Layout.Tmp, "stage-" + key[..8]);
        Files.CreateDirectory(staging);
        var library = Path.Combine(staging, "libkiln-new.so");
        using (var s = Files.Create(library))
            s.Write(new byte[libraryBytes]);
        var headerPath = Path.Combine(staging, "h.h");
        Files.WriteAllText(headerPath, header);
        var sourcePath = Path.Combine(staging, "s.c.gz");
        using (var output = Files.Create(sourcePath))
        using (var zip = new GZipStream(output, CompressionLevel.Fastest))
            zip.Write(Encoding.UTF8.GetBytes(source));
        var log = Path.Combine(staging, "build.log");
        Files.WriteAllText(log, "gcc …\n\n");
        var manifest = new EntryManifest
        {
            Key = key, BaseKey = baseKey, Signature = signature, LibrarySize = libraryBytes,
            LibrarySha256 = KeyInputs.HashFile(Files, library), SourceFile = key + ".c.gz", InputText = "inputs of " + signature + "\n",
            CreatedUnixMs = Files.Now.ToUnixTimeMilliseconds(),
        };
        var published = EntryStore.Publish(Layout, new StagedEntry(staging, library, headerPath, sourcePath, log), manifest);
        Files.DeleteTree(staging);
        return published;
    }
}
