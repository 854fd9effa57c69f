namespace Kiln.Jit.Cache;

/// <summary>The verdict on a published entry.</summary>
internal enum EntryState
{
    /// <summary>No entry (no pointer, no manifest).</summary>
    Missing,

    /// <summary>Complete and verified.</summary>
    Valid,

    /// <summary>Complete, but a local header it read has changed: a new key is due; the entry stays for others.</summary>
    Stale,

    /// <summary>Truncated, altered or unloadable: quarantine and rebuild.</summary>
    Corrupt,
}

/// <summary>A verdict with its reason (for logs and <c>kiln jit verify</c>).</summary>
internal readonly record struct EntryCheck(EntryState State, string Reason, EntryManifest? Manifest)
{
    public static EntryCheck Missing { get; } = new(EntryState.Missing, "not in the cache", null);
}
