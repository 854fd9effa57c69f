namespace Kiln.Jit.Cache;

/// <summary>The verdict on one entry from <c>kiln jit verify</c>.</summary>
/// <param name="Key">The full key K.</param>
/// <param name="Signature">The caller's signature ("?" when the manifest is unreadable).</param>
/// <param name="Ok">True when the entry is complete and its library matches size and SHA-256.</param>
/// <param name="Reason">"ok", or what is wrong.</param>
/// <param name="Repaired">True when the entry was quarantined (removed; the next request rebuilds it).</param>
public sealed record VerifyResult(string Key, string Signature, bool Ok, string Reason, bool Repaired);
