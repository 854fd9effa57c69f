using Kiln.Diagnostics;

namespace Kiln.WorkingTree;

/// <summary>The directory a root context was asked to use is not the root of a working tree.</summary>
public sealed class NoWorkingTreeException(string message) : KilnException(message);
