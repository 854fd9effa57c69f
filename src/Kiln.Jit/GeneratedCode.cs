namespace Kiln.Jit;

/// <summary>What a generator returns on a cache miss.</summary>
/// <param name="Header">Header text, written beside the source as <see cref="JitSignature.HeaderFileName"/>; empty for none.</param>
/// <param name="Source">The C or C++ source of the library.</param>
/// <param name="Dependencies">Signatures of libraries jitted earlier in this process (same cache) that this one links
/// against; their headers are includable as <c>"&lt;signature&gt;.h"</c>.</param>
public sealed record GeneratedCode(string Header, string Source, IReadOnlyList<string>? Dependencies = null);

/// <summary>Generates the code of a library; called only on a cache miss, at most once per build.</summary>
/// <param name="signature">The request's signature.</param>
public delegate GeneratedCode JitGenerator(string signature);
