namespace Kiln.Faults.Tests.Jit;

/// <summary>Issue 8.3 for Kiln.Jit: a read-only shared cache (a read-only bind mount) combined with a writable local
/// one, through <c>KILN_JIT_SHARED_CACHES</c>, in fresh processes (Kiln.Jit.TestHost): hits load in place, nothing is
/// written into the shared cache, a dependent built locally links against a dependency in the shared cache and loads
/// again in the next fresh process.</summary>
public sealed class JitSharedCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-faults-jitshared-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private static string[] Host(string cache, string signature, int value, string? dependency = null) =>
        ["--cache", cache, "--signature", signature, "--value", value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            .. dependency is null ? Array.Empty<string>() : ["--with-dependency", dependency]];

    [Fact]
    public void A_read_only_shared_cache_serves_fresh_processes_and_a_dependent_built_locally_links_against_it()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        var log = TestContext.Current.TestOutputHelper;
        var shared = Path.Combine(_root, "shared");
        var local = Path.Combine(_root, "local");
        // The site populates the shared cache (as its writable cache), then makes it read-only.
        JitHost.AssertWorks(JitHost.Run(Host(shared, "main", 5, "dep")), 1005, "populating the shared cache");
        JitHost.AssertWorks(JitHost.Run(Host(shared, "main", 5, "dep")), 1005, "the shared cache at rest"); // settles tmp/ and stats
        using var readOnly = ScratchMount.TryReadOnlyBind(shared, out var whyNot);
        if (readOnly is null)
            log?.WriteLine($"not read-only mounted ({whyNot}); the snapshot alone shows that nothing is written");
        Assert.True(readOnly is null || !IsWritable(shared), "the bind mount did not make the shared cache read-only");
        var before = JitHost.Snapshot(shared);

        // Both from the shared cache, loaded in place.
        var r = JitHost.AssertWorks(JitHost.Run(Host(local, "main", 5, "dep"), sharedCaches: shared), 1005, "hit from the shared cache");
        Assert.False(r.GetProperty("built").GetBoolean());
        Assert.StartsWith(shared + "/", r.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(shared + "/", r.GetProperty("depPath").GetString(), StringComparison.Ordinal);

        // A new dependent is built locally against the shared dependency, and loads again in the next fresh process.
        r = JitHost.AssertWorks(JitHost.Run(Host(local, "local", 6, "dep"), sharedCaches: shared), 1006, "dependent built locally");
        Assert.True(r.GetProperty("built").GetBoolean());
        Assert.StartsWith(local + "/", r.GetProperty("path").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(shared + "/", r.GetProperty("depPath").GetString(), StringComparison.Ordinal);
        r = JitHost.AssertWorks(JitHost.Run(Host(local, "local", 6, "dep"), sharedCaches: shared), 1006, "dependent, next fresh process");
        Assert.False(r.GetProperty("built").GetBoolean());
        Assert.StartsWith(local + "/", r.GetProperty("path").GetString(), StringComparison.Ordinal);

        // A cold key is built in the writable cache.
        r = JitHost.AssertWorks(JitHost.Run(Host(local, "cold", 7), sharedCaches: shared), 7, "cold key");
        Assert.True(r.GetProperty("built").GetBoolean());
        Assert.StartsWith(local + "/", r.GetProperty("path").GetString(), StringComparison.Ordinal);

        Assert.Equal(before, JitHost.Snapshot(shared));
        JitHost.AssertVerifies(_root, shared);
        JitHost.AssertVerifies(_root, local, sharedCaches: shared);
        var stats = KilnProcess.Run(_root, ["jit", "stats", "--cache-dir", local], new Dictionary<string, string> { ["KILN_JIT_SHARED_CACHES"] = shared });
        Assert.True(stats.ExitCode == 0, stats.Error);
        // Shared hits: dep and main, then dep twice (for the dependent's build and its reload).
        Assert.Contains("of them shared    4", stats.Output, StringComparison.Ordinal);
        Assert.Contains($"shared cache      {shared} (2 entries, read-only)", stats.Output, StringComparison.Ordinal);
    }

    private static bool IsWritable(string directory)
    {
        try
        {
            var probe = Path.Combine(directory, ".probe");
            File.WriteAllText(probe, "");
            File.Delete(probe);
            return true;
        }
        catch (IOException)
        {
            return false;
        }
        catch (UnauthorizedAccessException)
        {
            return false;
        }
    }
}
