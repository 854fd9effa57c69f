using System.Text;
using Kiln.Caching;
using Microsoft.Extensions.Time.Testing;

namespace Kiln.Tests.Caching;

public sealed class LocalActionCacheTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "kiln-local-cache-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static string KeyOf(int i) => i.ToString("x64", System.Globalization.CultureInfo.InvariantCulture);

    private static byte[] EntryOf(string key, int size) =>
        new ActionCacheEntry(key, [], [new CachedOutput("o", 0b110_100_100, Encoding.ASCII.GetBytes(new string((char)('a' + (key[^1] % 26)), size)))], "").Encode();

    [Fact]
    public async Task A_stored_entry_is_read_back_and_a_missing_one_is_null()
    {
        var cache = new LocalActionCache(_directory, 1 << 20, _time);
        await cache.PutAsync(KeyOf(1), EntryOf(KeyOf(1), 10), CancellationToken.None);

        Assert.Equal(EntryOf(KeyOf(1), 10), await cache.GetAsync(KeyOf(1), CancellationToken.None));
        Assert.Null(await cache.GetAsync(KeyOf(2), CancellationToken.None));
    }

    [Fact]
    public async Task Concurrent_writers_and_readers_of_one_key_only_ever_see_whole_entries()
    {
        var cache = new LocalActionCache(_directory, 1 << 30, _time);
        var key = KeyOf(7);
        var value = EntryOf(key, 200_000);
        var writers = Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 20; i++)
                await cache.PutAsync(key, value, CancellationToken.None);
        }));
        var readers = Enumerable.Range(0, 4).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < 50; i++)
            {
                var read = await cache.GetAsync(key, CancellationToken.None);
                if (read is null)
                    continue;
                // Throws for a part of an entry.
                ActionCacheEntry.Decode(read, key);
            }
        }));

        await Task.WhenAll(writers.Concat(readers));

        Assert.Equal(value, await cache.GetAsync(key, CancellationToken.None));
        Assert.Empty(Directory.EnumerateFiles(Path.Combine(_directory, "tmp")));
    }

    [Fact]
    public async Task Eviction_removes_the_least_recently_used_entries_down_to_nine_tenths_of_the_limit()
    {
        var one = EntryOf(KeyOf(0), 1000).Length;
        var cache = new LocalActionCache(_directory, one * 4, _time);
        for (var i = 0; i < 5; i++)
        {
            _time.Advance(TimeSpan.FromMinutes(1));
            await cache.PutAsync(KeyOf(i), EntryOf(KeyOf(i), 1000), CancellationToken.None);
            File.SetLastWriteTimeUtc(cache.EntryPath(KeyOf(i)), _time.GetUtcNow().UtcDateTime);
        }
        // Entry 0 is used again: now the most recent.
        _time.Advance(TimeSpan.FromMinutes(1));
        Assert.NotNull(await cache.GetAsync(KeyOf(0), CancellationToken.None));

        var removed = cache.Evict();

        Assert.Equal(2, removed);
        Assert.Null(await cache.GetAsync(KeyOf(1), CancellationToken.None));
        Assert.Null(await cache.GetAsync(KeyOf(2), CancellationToken.None));
        foreach (var kept in new[] { 0, 3, 4 })
            Assert.NotNull(await cache.GetAsync(KeyOf(kept), CancellationToken.None));
    }

    [Fact]
    public async Task Clean_removes_every_entry_and_the_statistics()
    {
        var cache = new LocalActionCache(_directory, 1 << 20, _time);
        await cache.PutAsync(KeyOf(1), EntryOf(KeyOf(1), 10), CancellationToken.None);
        var statistics = new ActionCacheStatistics();
        statistics.Add("hit.local");
        statistics.AddTo(_directory, cache.LockPath);

        var (entries, bytes) = cache.Clean();

        Assert.Equal((1, EntryOf(KeyOf(1), 10).Length), (entries, (int)bytes));
        Assert.Empty(cache.Entries());
        Assert.Equal(0, ActionCacheStatistics.Read(_directory).Hits);
    }
}
