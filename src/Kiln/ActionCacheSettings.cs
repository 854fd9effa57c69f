using System.Globalization;
using Kiln.Caching;
using Kiln.Diagnostics;

namespace Kiln;

/// <summary>
/// The shared output cache (action cache) of a run (<see cref="Configuration.ActionCache"/>): the outputs of redos of
/// cacheable tools (<see cref="Tools.ICacheableTool"/>) stored by a key of everything they depend on, so that another
/// working tree — at another path, on another machine — restores them instead of running the tool. Off unless the
/// script or the environment switches it on; docs/cache.md.
/// </summary>
/// <remarks>
/// The environment overrides the script: <c>KILN_CACHE=0</c> (or <c>off</c>) switches the cache off, <c>KILN_CACHE=1</c>
/// (or <c>on</c>) on; <c>KILN_CACHE_DIR</c> sets <see cref="Directory"/> and <c>KILN_CACHE_REDIS</c> sets
/// <see cref="Redis"/>, each switching it on (unless <c>KILN_CACHE=0</c>); <c>KILN_CACHE_MAX_SIZE</c> sets
/// <see cref="MaxSize"/> (bytes, or with a suffix K, M, G).
/// </remarks>
public sealed class ActionCacheSettings
{
    private long _maxSize = 5L << 30;
    private TimeSpan _remoteTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Whether redos of cacheable tools use the cache. Default false.</summary>
    public bool Enabled { get; set; }

    /// <summary>The local cache directory; null: <c>$XDG_CACHE_HOME/kiln/actions</c>, else <c>~/.cache/kiln/actions</c>.</summary>
    public string? Directory { get; set; }

    /// <summary>Size limit of the local directory in bytes: least recently used entries are evicted beyond it. Default 5 GiB.</summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public long MaxSize
    {
        get => _maxSize;
        set => _maxSize = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(value), "'MaxSize' must be positive");
    }

    /// <summary>The shared tier: a Redis server as <c>host:port</c>; null: none.</summary>
    public string? Redis { get; set; }

    /// <summary>
    /// How long the connect to Redis and each call may take before the remote tier counts as unavailable for the rest of
    /// the run (a warning, never a failure). Default 1 s.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not positive.</exception>
    public TimeSpan RemoteTimeout
    {
        get => _remoteTimeout;
        set => _remoteTimeout = value > TimeSpan.Zero ? value : throw new ArgumentOutOfRangeException(nameof(value), "'RemoteTimeout' must be positive");
    }

    /// <summary>The cache of a run with these settings and <paramref name="environment"/>, or null when it is off.</summary>
    /// <exception cref="EnvironmentValueException">A <c>KILN_CACHE…</c> variable has a value that is not understood.</exception>
    internal ActionCache? Open(IReadOnlyDictionary<string, string> environment, DiagnosticLog log, TimeProvider time)
    {
        var enabled = Enabled;
        var directory = Directory;
        var redis = Redis;
        var maxSize = MaxSize;
        if (environment.TryGetValue("KILN_CACHE_DIR", out var dir) && dir.Length > 0)
        {
            if (!Path.IsPathRooted(dir))
                throw new EnvironmentValueException($"KILN_CACHE_DIR must be an absolute path: {Paths.TreePath.Quote(dir)}\n  | e.g. KILN_CACHE_DIR=$HOME/.cache/kiln/actions");
            (directory, enabled) = (dir, true);
        }
        if (environment.TryGetValue("KILN_CACHE_REDIS", out var endpoint) && endpoint.Length > 0)
            (redis, enabled) = (endpoint, true);
        if (environment.TryGetValue("KILN_CACHE_MAX_SIZE", out var size) && size.Length > 0)
            maxSize = ParseSize(size);
        if (environment.TryGetValue("KILN_CACHE", out var flag) && flag.Length > 0)
        {
            enabled = flag switch
            {
                "0" or "off" or "false" => false,
                "1" or "on" or "true" => true,
                _ => throw new EnvironmentValueException($"KILN_CACHE must be 0 or 1 (off or on): {Paths.TreePath.Quote(flag)}"),
            };
        }
        if (!enabled)
            return null;
        if (redis is not null && !IsEndpoint(redis))
            throw new EnvironmentValueException($"not a Redis endpoint for the action cache: {Paths.TreePath.Quote(redis)}\n  | write host:port, e.g. KILN_CACHE_REDIS=127.0.0.1:6379");
        var local = new LocalActionCache(directory ?? LocalActionCache.DefaultDirectory(environment), maxSize, time);
        return new ActionCache(local, redis is null ? null : new RedisActionCache(redis, RemoteTimeout), log);
    }

    private static bool IsEndpoint(string text)
    {
        var colon = text.LastIndexOf(':');
        return colon > 0 && int.TryParse(text[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536;
    }

    /// <summary>Bytes of <c>123</c>, <c>64K</c>, <c>500M</c>, <c>5G</c> (powers of 1024).</summary>
    internal static long ParseSize(string text)
    {
        var factor = char.ToUpperInvariant(text[^1]) switch { 'K' => 1L << 10, 'M' => 1L << 20, 'G' => 1L << 30, 'T' => 1L << 40, _ => 1 };
        var digits = factor == 1 ? text : text[..^1];
        if (!long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n <= 0 || n > long.MaxValue / factor)
            throw new EnvironmentValueException($"KILN_CACHE_MAX_SIZE is not a size: {Paths.TreePath.Quote(text)}\n  | write bytes or a number with K, M, G or T, e.g. 5G");
        return n * factor;
    }
}
