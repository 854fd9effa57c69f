namespace Kiln.Jit.Cache;

/// <summary>One matching line of <c>kiln jit grep</c>.</summary>
/// <param name="Signature">The entry's signature.</param>
/// <param name="File">The header or source file (a <c>.gz</c> source is searched decompressed).</param>
/// <param name="LineNumber">1-based line number.</param>
/// <param name="Line">The line's text.</param>
public sealed record GrepMatch(string Signature, string File, int LineNumber, string Line);
