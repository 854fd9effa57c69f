using System.Globalization;
using Kiln.Jit.Cache;
using Kiln.Platform.Posix;

namespace Kiln.Jit.Building;

/// <summary>
/// The default coordinator: one <c>flock(2)</c> per base key on <c>locks/B.lock</c>. The kernel releases the lock when
/// the holder dies (even by SIGKILL), so there is no stale lock to break. The holder writes its host, pid, start time
/// and signature into the lock file itself (through its descriptor; the content only serves messages). Waiters poll with exponential back-off from 1 ms to 50 ms, so they take over within
/// about 50 ms of the holder's death, and give up after the claim's timeout naming the holder.
/// Lock files are never deleted while the cache is in use (deleting a flock file lets two holders coexist).
/// </summary>
public sealed class FileLockCoordinator : IBuildCoordinator
{
    private readonly TimeProvider _time;
    private readonly ICacheFileSystem _files;

    /// <summary>Creates the coordinator.</summary>
    /// <param name="timeProvider">Clock for timeouts and owner records (default: system).</param>
    public FileLockCoordinator(TimeProvider? timeProvider = null) : this(timeProvider, SystemCacheFileSystem.Instance)
    {
    }

    /// <summary>The coordinator of caches on <paramref name="files"/>.</summary>
    internal FileLockCoordinator(TimeProvider? timeProvider, ICacheFileSystem files)
    {
        _time = timeProvider ?? TimeProvider.System;
        _files = files;
    }

    /// <inheritdoc />
    public async ValueTask<IDisposable> AcquireAsync(BuildClaim claim, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(claim);
        var layout = new CacheLayout(claim.CacheDirectory, _files);
        var lockPath = layout.LockPath(claim.BaseKey);
        ICacheLock buildLock;
        try
        {
            buildLock = _files.OpenLock(lockPath);
        }
        catch (IOException e)
        {
            throw new JitCacheException($"cannot open the build lock '{lockPath}': {e.Message}; check that the JIT cache directory is writable", e);
        }
        var start = _time.GetTimestamp();
        var delay = TimeSpan.FromMilliseconds(1);
        while (true)
        {
            var errno = buildLock.TryLock();
            if (errno == 0)
                break;
            if (errno != Errno.EWOULDBLOCK)
            {
                buildLock.Dispose();
                throw new JitCacheException($"cannot lock '{lockPath}' (errno {errno}); the file system may not support flock — use a local cache directory");
            }
            if (_time.GetElapsedTime(start) >= claim.Timeout)
            {
                buildLock.Dispose();
                throw new JitLockTimeoutException(
                    $"timed out after {claim.Timeout.TotalSeconds:0.#} s waiting to build '{claim.Signature}': lock '{lockPath}' is held by {DescribeOwner(_files, lockPath)}; wait longer (JitRequest.LockTimeout) or stop that process");
            }
            try
            {
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                buildLock.Dispose();
                throw;
            }
            delay = TimeSpan.FromMilliseconds(Math.Min(50, delay.TotalMilliseconds * 2));
        }
        buildLock.WriteOwner(string.Create(CultureInfo.InvariantCulture,
            $"host {Environment.MachineName}\npid {Environment.ProcessId}\nsince-unix-ms {_time.GetUtcNow().ToUnixTimeMilliseconds()}\nsignature {EntryManifest.Escape(claim.Signature)}\n"));
        return new Lease(buildLock);
    }

    internal static string DescribeOwner(ICacheFileSystem files, string lockPath)
    {
        var text = files.ReadLockOwner(lockPath);
        if (string.IsNullOrEmpty(text))
            return "an unknown process";
        {
            var fields = text.Split('\n').Select(l => l.Split(' ', 2)).Where(p => p.Length == 2)
                .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
            var since = fields.TryGetValue("since-unix-ms", out var ms) && long.TryParse(ms, CultureInfo.InvariantCulture, out var v)
                ? DateTimeOffset.FromUnixTimeMilliseconds(v).ToString("u", CultureInfo.InvariantCulture) : "?";
            return $"host {fields.GetValueOrDefault("host", "?")} pid {fields.GetValueOrDefault("pid", "?")} since {since}";
        }
    }

    private sealed class Lease(ICacheLock buildLock) : IDisposable
    {
        public void Dispose() => buildLock.Dispose(); // releases the flock
    }
}
