using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Kiln.Platform.Files;
using Kiln.Platform.Text;

namespace Kiln.Caching;

/// <summary>
/// Counters of the action cache: kept per run in memory, added to the local cache directory's <c>stats.txt</c> when
/// the run ends (under its lock, so concurrent runs add up). Format: <see cref="KeyValueLines"/>, one
/// <c>name count</c> line per counter, sorted by name; names: <c>hit.local</c>, <c>hit.redis</c>,
/// <c>miss.&lt;reason&gt;</c> (<c>miss.no-entry</c>, <c>miss.input-changed</c>, <c>miss.corrupt</c>, <c>miss.unavailable</c>),
/// <c>stored</c>, <c>bytes.restored</c>, <c>bytes.stored</c>, <c>evicted</c>. Unknown names are kept.
/// </summary>
internal sealed class ActionCacheStatistics
{
    public const string FileName = "stats.txt";

    private readonly ConcurrentDictionary<string, long> _counters = new(StringComparer.Ordinal);

    public void Add(string name, long amount = 1) => _counters.AddOrUpdate(name, amount, (_, v) => v + amount);

    public long this[string name] => _counters.TryGetValue(name, out var v) ? v : 0;

    public IReadOnlyDictionary<string, long> Counters => _counters;

    /// <summary>Hits of all tiers.</summary>
    public long Hits => _counters.Where(c => c.Key.StartsWith("hit.", StringComparison.Ordinal)).Sum(c => c.Value);

    /// <summary>Misses for every reason.</summary>
    public long Misses => _counters.Where(c => c.Key.StartsWith("miss.", StringComparison.Ordinal)).Sum(c => c.Value);

    /// <summary>The counters of <c>stats.txt</c> in <paramref name="directory"/> (none when it does not exist).</summary>
    public static ActionCacheStatistics Read(string directory)
    {
        var result = new ActionCacheStatistics();
        string text;
        try
        {
            text = File.ReadAllText(Path.Combine(directory, FileName));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return result;
        }
        foreach (var line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, value) = KeyValueLines.Split(line);
            if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
                result.Add(name, n);
        }
        return result;
    }

    /// <summary>Adds these counters to <c>stats.txt</c> in <paramref name="directory"/>, under <paramref name="lockPath"/>.</summary>
    /// <exception cref="IOException">The file or its lock cannot be written.</exception>
    public void AddTo(string directory, string lockPath)
    {
        if (_counters.IsEmpty)
            return;
        using var fileLock = FileLock.Open(lockPath);
        if (fileLock.Lock() != 0)
            return;
        var total = Read(directory);
        foreach (var (name, value) in _counters)
            total.Add(name, value);
        var text = new StringBuilder();
        foreach (var (name, value) in total._counters.OrderBy(c => c.Key, StringComparer.Ordinal))
            KeyValueLines.Append(text, name, value.ToString(CultureInfo.InvariantCulture));
        AtomicFile.Write(Path.Combine(directory, FileName), text.ToString());
    }
}
