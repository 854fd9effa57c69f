using Kiln.Paths;

namespace Kiln.Rebuild;

/// <summary>An explicit output as found now.</summary>
/// <param name="Path">Managed-tree path.</param>
/// <param name="Memo">Its state now.</param>
/// <param name="ExpectedKind">The kind the role demands (<see cref="FileKind.Other"/> for a non-regular file: anything but a regular file or directory).</param>
internal sealed record ObservedOutput(TreePath Path, FileMemo Memo, FileKind ExpectedKind);
