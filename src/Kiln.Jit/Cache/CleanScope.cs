namespace Kiln.Jit.Cache;

/// <summary>What <c>kiln jit clean</c> removes.</summary>
[Flags]
public enum CleanScope
{
    /// <summary>Nothing.</summary>
    None = 0,

    /// <summary>Recorded compile failures and <c>jitfailure-*</c> folders.</summary>
    Failures = 1,

    /// <summary>Leftover private build folders in <c>tmp/</c> older than one hour, and <c>quarantine/</c>.</summary>
    Temporary = 2,

    /// <summary>Build logs.</summary>
    Logs = 4,

    /// <summary>Cached compiler probes (forces a re-probe, e.g. after changing a compiler in place).</summary>
    Probes = 8,

    /// <summary>Every entry, failure, probe and statistic (lock files are kept: deleting them under a live holder
    /// would let two builders coexist).</summary>
    All = Failures | Temporary | Logs | Probes | 16,
}
