using Kiln.Diagnostics;

namespace Kiln.WorkingTree;

/// <summary>A path is not a (permitted) path of the managed tree.</summary>
public sealed class WorkingTreePathException(string message) : KilnException(message);
