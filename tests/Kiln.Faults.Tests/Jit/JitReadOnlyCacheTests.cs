using System.Globalization;

namespace Kiln.Faults.Tests.Jit;

/// <summary>Issue 8.3 for Kiln.Jit: the (writable) cache directory is on a read-only mount, or made unwritable by
/// permission bits for a process that obeys them (root without CAP_DAC_OVERRIDE, through <c>setpriv</c>). Hits still
/// load (the LRU mark and the statistics are skipped, not fatal); a miss — a cold key or a damaged entry that would
/// need rebuilding — is one <c>JitCacheException</c> naming the directory and what to do; nothing is changed, and once
/// the cache is writable again the same requests succeed.</summary>
public sealed class JitReadOnlyCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-faults-jitro-").FullName;

    private string Cache => Path.Combine(_root, "cache");

    public void Dispose()
    {
        _ = ScratchMount.Run("chmod", "-R", "u+w", _root);
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private string[] Host(string signature, int value) =>
        ["--cache", Cache, "--signature", signature, "--value", value.ToString(CultureInfo.InvariantCulture)];

    /// <summary>A cache with a good entry "hit" (value 3) and a damaged entry "damaged" (its library cut in half).</summary>
    private void Populate()
    {
        JitHost.AssertWorks(JitHost.Run(Host("hit", 3)), 3, "populating");
        var damaged = JitHost.AssertWorks(JitHost.Run(Host("damaged", 4)), 4, "populating");
        var library = damaged.GetProperty("path").GetString()!;
        var bytes = File.ReadAllBytes(library);
        File.Delete(library);
        File.WriteAllBytes(library, bytes.AsSpan(0, bytes.Length / 2).ToArray());
    }

    private void AssertReadOnlyBehaviour(IReadOnlyList<string>? wrapper, string reason)
    {
        // The owner of a file may set its times whatever its mode bits: the LRU mark of a hit is then still made.
        var withTimes = wrapper is null;
        var before = JitHost.Snapshot(Cache, withTimes);
        var r = JitHost.AssertWorks(JitHost.Run(Host("hit", 3), wrapper: wrapper), 3, "a hit from the read-only cache");
        Assert.False(r.GetProperty("built").GetBoolean());

        foreach (var (signature, what) in new[] { ("cold", "a cold key"), ("damaged", "a damaged entry") })
        {
            var message = JitHost.AssertCacheError(JitHost.Run(Host(signature, 5), wrapper: wrapper), Cache, what);
            Assert.Contains(reason, message, StringComparison.Ordinal);
            Assert.Contains("not writable", message, StringComparison.Ordinal);
            Assert.Contains("KILN_JIT_CACHE", message, StringComparison.Ordinal);
            Assert.Contains("KILN_JIT_SHARED_CACHES", message, StringComparison.Ordinal);
            TestContext.Current.TestOutputHelper?.WriteLine($"{what}: {message}");
        }
        Assert.Equal(before, JitHost.Snapshot(Cache, withTimes));
    }

    private void AssertWorksAgain()
    {
        Assert.True(JitHost.AssertWorks(JitHost.Run(Host("cold", 5)), 5, "a cold key, cache writable again").GetProperty("built").GetBoolean());
        Assert.True(JitHost.AssertWorks(JitHost.Run(Host("damaged", 4)), 4, "the damaged entry, cache writable again").GetProperty("built").GetBoolean());
        Assert.False(JitHost.AssertWorks(JitHost.Run(Host("hit", 3)), 3, "the hit, cache writable again").GetProperty("built").GetBoolean());
        JitHost.AssertVerifies(_root, Cache);
    }

    [Fact]
    public void A_cache_on_a_read_only_mount_serves_hits_and_a_miss_is_one_error_saying_what_to_do()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        Populate();
        using (var mount = ScratchMount.TryReadOnlyBind(Cache, out var whyNot))
        {
            if (mount is null)
                Assert.Skip(whyNot);
            AssertReadOnlyBehaviour(wrapper: null, reason: "Read-only file system");
        }
        AssertWorksAgain();
    }

    [Fact]
    public void A_cache_unwritable_by_permission_bits_serves_hits_and_a_miss_is_one_error_saying_what_to_do()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        Populate();
        // Root ignores permission bits; without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH it obeys them like any user.
        IReadOnlyList<string>? wrapper = null;
        if (Environment.UserName == "root" || Environment.GetEnvironmentVariable("USER") == "root")
        {
            if (!File.Exists("/usr/bin/setpriv"))
                Assert.Skip("running as root and setpriv is not installed: permission bits would not apply");
            wrapper = ["/usr/bin/setpriv", "--bounding-set=-dac_override,-dac_read_search"];
        }
        Assert.Equal(0, ScratchMount.Run("chmod", "-R", "a-w", Cache).ExitCode);
        var probe = ScratchMount.Run(wrapper?[0] ?? "/bin/sh", [.. wrapper?.Skip(1) ?? [], .. wrapper is null ? [] : new[] { "/bin/sh" }, "-c", $"touch '{Cache}/tmp/probe'"]);
        if (probe.ExitCode == 0)
            Assert.Skip("permission bits do not stop this process from writing (no setpriv effect)");
        AssertReadOnlyBehaviour(wrapper, reason: "denied");
        Assert.Equal(0, ScratchMount.Run("chmod", "-R", "u+w", Cache).ExitCode);
        AssertWorksAgain();
    }
}
