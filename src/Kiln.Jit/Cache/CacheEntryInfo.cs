namespace Kiln.Jit.Cache;

/// <summary>One published entry as <c>kiln jit show</c> lists it.</summary>
/// <param name="Key">The full key K.</param>
/// <param name="BaseKey">The base key B.</param>
/// <param name="Signature">The caller's signature.</param>
/// <param name="LibraryPath">The library file.</param>
/// <param name="Bytes">Bytes of all the entry's files (library, manifest, header, source, log).</param>
/// <param name="Created">When it was published.</param>
/// <param name="LastUsed">When it was last loaded by a process (the manifest's mtime; approximate LRU).</param>
/// <param name="CompileSeconds">How long the compiler ran.</param>
/// <param name="Headers">How many local headers are part of its key.</param>
/// <param name="Dependencies">How many jitted libraries it links.</param>
public sealed record CacheEntryInfo(string Key, string BaseKey, string Signature, string LibraryPath, long Bytes,
    DateTimeOffset Created, DateTimeOffset LastUsed, double CompileSeconds, int Headers, int Dependencies);
