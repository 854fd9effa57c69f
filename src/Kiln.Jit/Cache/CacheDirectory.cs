namespace Kiln.Jit.Cache;

/// <summary>Where the cache lives: the request's directory, else <c>KILN_JIT_CACHE</c>, else the user cache dir.</summary>
public static class CacheDirectory
{
    /// <summary>The environment variable naming the cache directory.</summary>
    public const string EnvironmentVariable = "KILN_JIT_CACHE";

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
}
