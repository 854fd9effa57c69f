using System.Globalization;

namespace Kiln.Faults.Tests.Jit;

/// <summary>Issue 8.3 for Kiln.Jit: the cache's file system is full. A small tmpfs is filled so that a cold request in
/// a fresh process (Kiln.Jit.TestHost) finds 0, 4 KiB, 8 KiB, … free — every page up to what one cold build needs —
/// so the write that fails moves through the compiler-probe cache, the private build folder (header, source), the
/// compiler's output, the log, the manifest and the pointer. Each failing request is one <c>JitCacheException</c>
/// naming the cache and "No space left on device"; <c>kiln jit verify</c> then finds every published entry complete;
/// after the space is freed the same request succeeds (no recorded failure, no leftover blocks it).</summary>
public sealed class JitDiskFullTests
{
    private const int Page = 4096;

    [Fact]
    public void A_full_cache_fails_each_cold_request_with_one_clear_error_publishes_nothing_partial_and_works_after_freeing_space()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        using var mount = ScratchMount.TryTmpfs("4m", out var whyNot);
        if (mount is null)
            Assert.Skip(whyNot);
        var log = TestContext.Current.TestOutputHelper;
        var filler = Path.Combine(mount.Path, "filler");

        // What one cold build in a fresh process needs, in pages (probes, build folder, entry, statistics).
        var free0 = Free(mount.Path);
        var measure = Path.Combine(mount.Path, "measure");
        JitHost.AssertWorks(JitHost.Run(["--cache", measure, "--signature", "measure", "--value", "1"]), 1, "measuring");
        var need = (int)((free0 - Free(mount.Path)) / Page);
        Directory.Delete(measure, recursive: true);
        log?.WriteLine($"one cold build uses {need} pages of {Page} bytes");
        Assert.True(need > 2, $"a cold build used only {need} pages");

        var messages = new SortedSet<string>(StringComparer.Ordinal);
        var failed = 0;
        // Up to a few pages more than the end state needs: the peak (build folder, temporary files) is higher.
        var levels = need + 8;
        var succeeded = 0;
        for (var pages = 0; pages <= levels; pages++)
        {
            var cache = Path.Combine(mount.Path, "c" + pages.ToString(CultureInfo.InvariantCulture));
            var signature = "cold" + pages.ToString(CultureInfo.InvariantCulture);
            string[] args = ["--cache", cache, "--signature", signature, "--value", pages.ToString(CultureInfo.InvariantCulture)];
            Fill(filler, Free(mount.Path) - (long)pages * Page);
            Assert.Equal((long)pages * Page, Free(mount.Path));

            var r = JitHost.Run(args);
            if (r.GetProperty("ok").GetBoolean())
            {
                Assert.Equal(pages, r.GetProperty("value").GetInt32());
                succeeded++;
            }
            else
            {
                failed++;
                var message = JitHost.AssertCacheError(r, cache, $"{pages} pages free");
                Assert.Contains("No space left on device", message, StringComparison.Ordinal);
                Assert.Contains("is full", message, StringComparison.Ordinal);
                // The failure point, with the varying parts (cache, temporary names) out: each listed once.
                var detail = message.Split(" is full (", 2)[1].Split("); free space", 2)[0].Replace(cache, "CACHE", StringComparison.Ordinal);
                messages.Add(System.Text.RegularExpressions.Regex.Replace(detail, "[0-9a-f]{8,}|[0-9]+", "N"));
                // A failed build removes what it wrote into tmp/ before the exception leaves Kiln.Jit.
                var tmp = Path.Combine(cache, "tmp");
                Assert.True(!Directory.Exists(tmp) || !Directory.EnumerateFileSystemEntries(tmp).Any(),
                    $"{pages} pages free: the failed request left {string.Join(", ", Directory.Exists(tmp) ? Directory.EnumerateFileSystemEntries(tmp) : [])}");
            }
            JitHost.AssertVerifies(mount.Path, cache);

            File.Delete(filler);
            var after = JitHost.AssertWorks(JitHost.Run(args), pages, $"{pages} pages free, then space freed");
            Assert.True(r.GetProperty("ok").GetBoolean() || after.GetProperty("built").GetBoolean(), "a failed request left an entry behind");
            Directory.Delete(cache, recursive: true);
        }
        foreach (var m in messages)
            log?.WriteLine(m);
        log?.WriteLine($"{failed} of {levels + 1} fill levels failed");
        Assert.True(failed > 0, "no fill level made the cold request fail");
        Assert.True(succeeded > 0, $"even {levels} free pages were not enough for a cold build");
    }

    private static long Free(string path) => new DriveInfo(path).AvailableFreeSpace;

    /// <summary>Writes <paramref name="bytes"/> real bytes (tmpfs has no sparse allocation for written data).</summary>
    private static void Fill(string filler, long bytes)
    {
        using var stream = new FileStream(filler, FileMode.Create, FileAccess.Write);
        var chunk = new byte[1 << 20];
        Array.Fill(chunk, (byte)0x5a);
        for (long done = 0; done < bytes;)
        {
            var n = (int)Math.Min(chunk.Length, bytes - done);
            stream.Write(chunk, 0, n);
            done += n;
        }
    }
}
