using Kiln.Diagnostics;

namespace Kiln.Caching;

/// <summary>
/// The action cache of one run: the local tier first, then the remote (Redis) one; a hit in the remote tier is copied
/// into the local one, and a stored entry is written to both (write-through). A remote tier that fails or times out is
/// warned about once and not asked again in this run: the build goes on with the local tier. A local tier that cannot
/// be written (full, read-only) is warned about once in the same way.
/// </summary>
internal sealed class ActionCache : IDisposable
{
    private readonly DiagnosticLog _log;
    private readonly IActionCacheBackend? _remote;
    private int _remoteDown;
    private int _localWriteDown;
    private int _stored;

    public ActionCache(LocalActionCache local, IActionCacheBackend? remote, DiagnosticLog log)
    {
        Local = local;
        _remote = remote;
        _log = log;
    }

    public LocalActionCache Local { get; }

    public IActionCacheBackend? Remote => _remote;

    /// <summary>The counters of this run.</summary>
    public ActionCacheStatistics Statistics { get; } = new();

    /// <summary>
    /// Looks <paramref name="key"/> up: an entry that decodes and passes <paramref name="verify"/> (which returns null, or
    /// why the entry does not fit the working tree) is a hit; otherwise the miss reason (a statistics name:
    /// <c>no-entry</c>, <c>input-changed</c>, <c>corrupt</c>, <c>unavailable</c>) and its detail.
    /// </summary>
    public async Task<ActionCacheLookup> LookUpAsync(string key, Func<ActionCacheEntry, string?> verify, CancellationToken cancellationToken)
    {
        var miss = ("no-entry", (string?)null);
        foreach (var tier in Tiers())
        {
            byte[]? value;
            try
            {
                value = await tier.GetAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (ActionCacheUnavailableException e)
            {
                RemoteFailed(tier, e);
                if (miss.Item1 == "no-entry")
                    miss = ("unavailable", e.Message);
                continue;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                miss = ("unavailable", e.Message);
                continue;
            }
            if (value is null)
                continue;
            ActionCacheEntry entry;
            try
            {
                entry = ActionCacheEntry.Decode(value, key);
            }
            catch (ActionCacheFormatException e)
            {
                _log.Inform($"refused a corrupt action-cache entry {key[..12]} in the {tier.Name} cache {tier.Location}\n  reason: {e.Message}; it is rebuilt", Level.Warning);
                await TryAsync(tier, () => tier.RemoveAsync(key, cancellationToken)).ConfigureAwait(false);
                miss = ("corrupt", e.Message);
                continue;
            }
            var mismatch = verify(entry);
            if (mismatch is not null)
            {
                miss = ("input-changed", mismatch);
                continue;
            }
            if (tier != Local)
                await PutLocalAsync(key, value, cancellationToken).ConfigureAwait(false);
            Statistics.Add("hit." + tier.Name);
            Statistics.Add("bytes.restored", entry.OutputBytes);
            return new ActionCacheLookup(entry, tier.Name, null, null);
        }
        Statistics.Add("miss." + miss.Item1);
        return new ActionCacheLookup(null, null, miss.Item1, miss.Item2);
    }

    /// <summary>Stores <paramref name="entry"/> in every tier that works.</summary>
    public async Task StoreAsync(ActionCacheEntry entry, CancellationToken cancellationToken)
    {
        var value = entry.Encode();
        await PutLocalAsync(entry.Key, value, cancellationToken).ConfigureAwait(false);
        if (_remote is not null && Volatile.Read(ref _remoteDown) == 0)
            await TryAsync(_remote, () => _remote.PutAsync(entry.Key, value, cancellationToken)).ConfigureAwait(false);
        Interlocked.Increment(ref _stored);
        Statistics.Add("stored");
        Statistics.Add("bytes.stored", entry.OutputBytes);
    }

    /// <summary>At the end of the run: the statistics added to the local directory's, entries over its size evicted.</summary>
    public void Finish()
    {
        try
        {
            if (Volatile.Read(ref _stored) > 0)
            {
                var evicted = Local.Evict();
                if (evicted > 0)
                    Statistics.Add("evicted", evicted);
            }
            System.IO.Directory.CreateDirectory(Local.Directory);
            Statistics.AddTo(Local.Directory, Local.LockPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Inform($"could not update the action cache's statistics in {Local.Directory}\n  reason: {e.Message.Trim()}", Level.Warning);
        }
    }

    private IEnumerable<IActionCacheBackend> Tiers()
    {
        yield return Local;
        if (_remote is not null && Volatile.Read(ref _remoteDown) == 0)
            yield return _remote;
    }

    private async Task PutLocalAsync(string key, byte[] value, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _localWriteDown) != 0)
            return;
        try
        {
            await Local.PutAsync(key, value, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (Interlocked.Exchange(ref _localWriteDown, 1) == 0)
                _log.Inform($"cannot write the local action cache {Local.Directory}\n  reason: {e.Message.Trim()}\n  going on without storing entries there in this run", Level.Warning);
        }
    }

    private async Task TryAsync(IActionCacheBackend tier, Func<Task> call)
    {
        try
        {
            await call().ConfigureAwait(false);
        }
        catch (ActionCacheUnavailableException e)
        {
            RemoteFailed(tier, e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A corrupt local entry that cannot be removed is refused again next time.
        }
    }

    private void RemoteFailed(IActionCacheBackend tier, ActionCacheUnavailableException e)
    {
        if (tier == Local || Interlocked.Exchange(ref _remoteDown, 1) != 0)
            return;
        _log.Inform($"action cache: {tier.Name} at {tier.Location} is unavailable\n  reason: {e.Message}\n  going on with the local cache for the rest of this run", Level.Warning);
    }

    public void Dispose() => _remote?.Dispose();
}

/// <summary>The result of a look-up: the entry and its tier, or the miss reason (statistics name) and its detail.</summary>
internal sealed record ActionCacheLookup(ActionCacheEntry? Entry, string? Tier, string? MissReason, string? MissDetail);
