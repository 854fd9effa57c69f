namespace Kiln.Jit.Cache;

/// <summary>Where the cache lives: the request's directory, else <c>KILN_JIT_CACHE</c>, else the user cache dir.</summary>
public static class CacheDirectory
{
    /// <summary>The environment variable naming the cache directory.</summary>
    public const string EnvironmentVariable = "KILN_JIT_CACHE";

    /// <summary>The environment variable naming read-only shared cache directories, colon-separated as <c>PATH</c>;
    /// used when a request names none (<see cref="JitRequest.SharedCacheDirectories"/> is null).</summary>
    public const string SharedEnvironmentVariable = "KILN_JIT_SHARED_CACHES";

    /// <summary>Resolves the cache directory to an absolute path (nothing is created).</summary>
    /// <param name="requested">An explicit directory, or null.</param>
    public static string Resolve(string? requested)
    {
        if (!string.IsNullOrWhiteSpace(requested))
            return Path.GetFullPath(requested);
        var env = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(env))
            return Path.GetFullPath(env);
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        if (!string.IsNullOrWhiteSpace(xdg) && Path.IsPathRooted(xdg))
            return Path.Combine(xdg, "kiln", "jit");
        var home = Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        if (string.IsNullOrEmpty(home))
            throw new JitCacheException($"no JIT cache directory: the request names none, {EnvironmentVariable} is unset and there is no home directory; set {EnvironmentVariable}");
        return Path.Combine(home, ".cache", "kiln", "jit");
    }

    /// <summary>
    /// Resolves the shared (read-only) cache directories: <paramref name="requested"/>, else the colon-separated
    /// <c>KILN_JIT_SHARED_CACHES</c>, to absolute paths in order. Empty entries, repeats and the writable cache itself
    /// are dropped (the writable cache is searched first anyway, and must never be treated as read-only).
    /// </summary>
    /// <param name="requested">Explicit directories (an empty list means none), or null for the environment variable.</param>
    /// <param name="writable">The resolved writable cache directory.</param>
    public static IReadOnlyList<string> ResolveShared(IReadOnlyList<string>? requested, string writable)
    {
        ArgumentNullException.ThrowIfNull(writable);
        IEnumerable<string> raw = requested ?? (Environment.GetEnvironmentVariable(SharedEnvironmentVariable) ?? "").Split(':');
        var list = new List<string>();
        foreach (var entry in raw)
        {
            if (string.IsNullOrWhiteSpace(entry))
                continue;
            var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(entry));
            if (full != Path.TrimEndingDirectorySeparator(writable) && !list.Contains(full, StringComparer.Ordinal))
                list.Add(full);
        }
        return list;
    }
}
