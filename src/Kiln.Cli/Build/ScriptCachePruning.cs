namespace Kiln.Cli.Build;

/// <summary>
/// Keeps <c>.kiln/scripts/</c> small: every edit of a script compiles a new assembly under a new key, and nothing
/// else ever removes the old ones. After a compile, the newest <see cref="Kept"/> assemblies (by modification time,
/// the new one always among them) stay; older ones and temporaries left by killed compiles over an hour old go.
/// </summary>
internal static class ScriptCachePruning
{
    /// <summary>Assemblies kept: enough for a few scripts of a working tree (build, test, release) and their last edits.</summary>
    public const int Kept = 8;

    private static readonly TimeSpan TemporaryAge = TimeSpan.FromHours(1);

    /// <summary>Removes what is over the limit from the directory of <paramref name="compiled"/>; failures are ignored (only space is lost).</summary>
    public static void Prune(string compiled, TimeProvider time)
    {
        var directory = Path.GetDirectoryName(compiled)!;
        try
        {
            var assemblies = new DirectoryInfo(directory).EnumerateFiles("*.dll")
                .Where(f => f.FullName != compiled)
                .OrderByDescending(f => f.LastWriteTimeUtc)
                .Skip(Kept - 1);
            var now = time.GetUtcNow().UtcDateTime;
            var temporaries = new DirectoryInfo(directory).EnumerateFiles("*.dll.tmp-*")
                .Where(f => now - f.LastWriteTimeUtc > TemporaryAge);
            foreach (var file in assemblies.Concat(temporaries).ToList())
                file.Delete();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A cache that cannot be pruned still works.
        }
    }
}
