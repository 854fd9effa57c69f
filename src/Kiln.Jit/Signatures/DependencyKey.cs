namespace Kiln.Jit.Signatures;

/// <summary>A jitted library an entry links against: its full key and its signature (part of the full key).</summary>
internal sealed record DependencyKey(string Key, string Signature);
