using Kiln.Diagnostics;

namespace Kiln;

/// <summary>The dependencies of a tool instance are invalid (detected before a redo): a missing input, an
/// output that is also an input, one path in two output roles, a path outside the managed tree, …</summary>
public sealed class DependencyException(string message) : KilnException(message);
