namespace Kiln.Jit.Cache;

/// <summary>
/// Turns a failed write into the cache (an <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/>) into
/// the one-line <see cref="JitCacheException"/> a user can act on: a full file system (ENOSPC, EDQUOT) says so and how
/// to free space; anything else (read-only mount, permission bits) says how to point at a writable cache or use this
/// one as a shared, read-only cache. The messages name the directory and keep the system's reason.
/// </summary>
internal static class CacheWriteError
{
    /// <summary>True when <paramref name="text"/> reports a full file system or an exhausted quota.</summary>
    public static bool MentionsDiskFull(string text) => Kiln.Platform.Errors.DiskFull.IsIn(text);

    public static JitCacheException For(string root, Exception e)
    {
        var detail = e.Message.ReplaceLineEndings(" ");
        return new JitCacheException(MentionsDiskFull(detail)
            ? $"JIT cache directory '{root}' is full ({detail}); free space there ('kiln jit evict --max-size SIZE', 'kiln jit clean --temporary') or set {CacheDirectory.EnvironmentVariable} (JitRequest.CacheDirectory) to a directory with space"
            : $"JIT cache directory '{root}' is not writable ({detail}); set {CacheDirectory.EnvironmentVariable} (JitRequest.CacheDirectory) to a writable directory, or name '{root}' in {CacheDirectory.SharedEnvironmentVariable} (JitRequest.SharedCacheDirectories) to use its entries read-only",
            e);
    }
}
