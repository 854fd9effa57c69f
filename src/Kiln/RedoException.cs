using Kiln.Diagnostics;

namespace Kiln;

/// <summary>A problem with dependencies during or after a redo: a required non-explicit role not assigned,
/// an output not created, an environment variable that fails validation.</summary>
public sealed class RedoException(string message) : KilnException(message);
