using Kiln.Diagnostics;

namespace Kiln;

/// <summary>Contexts used wrongly: none active, exited out of order, a non-active context modified, or a
/// context entered, left, modified or waited for (or a tool instance started) in a redo.</summary>
public sealed class ContextException(string message) : KilnException(message);
