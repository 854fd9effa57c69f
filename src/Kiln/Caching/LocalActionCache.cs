using System.Globalization;
using Kiln.Platform.Files;

namespace Kiln.Caching;

/// <summary>
/// The local tier of the action cache: one file per entry in a directory shared by every working tree (and every
/// process) of the user.
/// </summary>
/// <remarks>
/// <para>Layout of the directory (default <c>$XDG_CACHE_HOME/kiln/actions</c>, else <c>~/.cache/kiln/actions</c>):</para>
/// <list type="bullet">
/// <item><c>v1/&lt;k0k1&gt;/&lt;key&gt;</c>: an entry (<see cref="ActionCacheEntry"/>'s format), by the first two hex digits of its key;</item>
/// <item><c>tmp/</c>: entries being written; <c>lock</c>: held while <c>stats.txt</c> is updated or entries are evicted;</item>
/// <item><c>stats.txt</c>: <see cref="ActionCacheStatistics"/>.</item>
/// </list>
/// <para>Concurrent writers (the Kiln.Jit entry rules): an entry is written whole into <c>tmp/</c> under a name of
/// its own (process id and a random part) and published by <c>rename(2)</c>, so a reader sees no entry or a whole
/// one; two writers of one key both publish whole entries of the same content, the last rename wins. A reader that
/// finds a corrupt entry (a disk that lied) removes it. Least recently used: a hit sets the entry's mtime; eviction
/// (at the end of a run that stored entries, by one process at a time) removes the oldest until the directory is at
/// most 90 % of its size limit. An entry removed while another process reads it stays readable to that process.</para>
/// </remarks>
internal sealed class LocalActionCache : IActionCacheBackend
{
    private const string VersionFolder = "v1";

    private readonly TimeProvider _time;

    public LocalActionCache(string directory, long maxBytes, TimeProvider time)
    {
        _time = time;
        Directory = Path.GetFullPath(directory);
        MaxBytes = maxBytes;
    }

    public string Name => "local";

    public string Location => Directory;

    /// <summary>The cache directory (absolute).</summary>
    public string Directory { get; }

    public long MaxBytes { get; }

    public string LockPath => Path.Combine(Directory, "lock");

    /// <summary>The default directory: <c>$XDG_CACHE_HOME/kiln/actions</c>, else <c>~/.cache/kiln/actions</c>.</summary>
    public static string DefaultDirectory(IReadOnlyDictionary<string, string> environment)
    {
        if (environment.TryGetValue("XDG_CACHE_HOME", out var xdg) && Path.IsPathRooted(xdg))
            return Path.Combine(xdg, "kiln", "actions");
        var home = environment.TryGetValue("HOME", out var h) && h.Length > 0 ? h : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        return Path.Combine(home, ".cache", "kiln", "actions");
    }

    public string EntryPath(string key) => Path.Combine(Directory, VersionFolder, key[..2], key);

    public Task<byte[]?> GetAsync(string key, CancellationToken cancellationToken)
    {
        var path = EntryPath(key);
        byte[] value;
        try
        {
            value = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return Task.FromResult<byte[]?>(null);
        }
        try
        {
            File.SetLastWriteTimeUtc(path, _time.GetUtcNow().UtcDateTime);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache still serves hits; its LRU order just does not advance.
        }
        return Task.FromResult<byte[]?>(value);
    }

    public Task PutAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        var path = EntryPath(key);
        var tmp = Path.Combine(Directory, "tmp");
        System.IO.Directory.CreateDirectory(tmp);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = Path.Combine(tmp, string.Create(CultureInfo.InvariantCulture, $"{key}.{Environment.ProcessId}.{Guid.NewGuid():N}"));
        AtomicFile.Write(path, value, temporary);
        return Task.CompletedTask;
    }

    public Task RemoveAsync(string key, CancellationToken cancellationToken)
    {
        AtomicFile.TryDelete(EntryPath(key));
        return Task.CompletedTask;
    }

    /// <summary>Every entry file with its size and last use, least recently used first.</summary>
    public List<(string Path, long Bytes, DateTime LastUsed)> Entries()
    {
        var result = new List<(string, long, DateTime)>();
        var root = Path.Combine(Directory, VersionFolder);
        if (!System.IO.Directory.Exists(root))
            return result;
        foreach (var info in new DirectoryInfo(root).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            try
            {
                result.Add((info.FullName, info.Length, info.LastWriteTimeUtc));
            }
            catch (FileNotFoundException)
            {
                // Evicted by another process meanwhile.
            }
        }
        result.Sort((a, b) => a.Item3.CompareTo(b.Item3));
        return result;
    }

    /// <summary>
    /// Removes least recently used entries until the entries take at most 90 % of <see cref="MaxBytes"/>, when they take
    /// more than it; skipped when another process evicts now. Returns the entries removed.
    /// </summary>
    public int Evict()
    {
        var entries = Entries();
        var total = entries.Sum(e => e.Bytes);
        if (total <= MaxBytes)
            return 0;
        using var fileLock = FileLock.Open(LockPath);
        if (fileLock.TryLock() != 0)
            return 0;
        var target = MaxBytes / 10 * 9;
        var removed = 0;
        foreach (var (path, bytes, _) in entries)
        {
            if (total <= target)
                break;
            AtomicFile.TryDelete(path);
            total -= bytes;
            removed++;
        }
        return removed;
    }

    /// <summary>Removes every entry, leftover temporary and the statistics; returns the entries removed and their bytes.</summary>
    public (int Entries, long Bytes) Clean()
    {
        var entries = Entries();
        foreach (var (path, _, _) in entries)
            AtomicFile.TryDelete(path);
        foreach (var folder in new[] { Path.Combine(Directory, "tmp"), Path.Combine(Directory, VersionFolder) })
        {
            try
            {
                if (System.IO.Directory.Exists(folder))
                    System.IO.Directory.Delete(folder, recursive: true);
            }
            catch (IOException)
            {
                // A writer published meanwhile; its entry stays.
            }
        }
        AtomicFile.TryDelete(Path.Combine(Directory, ActionCacheStatistics.FileName));
        return (entries.Count, entries.Sum(e => e.Bytes));
    }

    public void Dispose()
    {
    }
}
