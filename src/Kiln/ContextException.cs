using Kiln.Diagnostics;

namespace Kiln;

/// <summary>Contexts used wrongly: none active, exited out of order, or a non-active context modified.</summary>
public sealed class ContextException(string message) : KilnException(message);
