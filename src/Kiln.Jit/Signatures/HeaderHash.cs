namespace Kiln.Jit.Signatures;

/// <summary>A local header a build read, with the SHA-256 of its content (part of the full key).</summary>
/// <remarks>A class, not a value tuple: lists of reference types share precompiled generic code, so a fresh process
/// JIT-compiles fewer methods on its first hit.</remarks>
internal sealed record HeaderHash(string Sha256, string Path);
