namespace Kiln.Store;

/// <summary>One input of a tool instance as stored after its last successful redo.</summary>
/// <param name="EncodedPath">The managed-tree path in the database's encoding (always ends in <c>/</c>).</param>
/// <param name="IsExplicit">Whether the input was explicit.</param>
/// <param name="Memo">Encoded memo from before the redo; null = new dependency or potentially changed by a redo since.</param>
internal sealed record TracedInput(string EncodedPath, bool IsExplicit, byte[]? Memo);
