using Kiln.Paths;

namespace Kiln.Rebuild;

/// <summary>An input as found now.</summary>
/// <param name="Path">Managed-tree path.</param>
/// <param name="EncodedPath">Its run-database encoding.</param>
/// <param name="IsExplicit">Whether the input is explicit.</param>
/// <param name="Memo">Its state now.</param>
internal sealed record ObservedInput(TreePath Path, string EncodedPath, bool IsExplicit, FileMemo Memo);
