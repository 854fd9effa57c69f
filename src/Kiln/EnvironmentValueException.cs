using Kiln.Diagnostics;

namespace Kiln;

/// <summary>An environment variable's value (imported from the outer context or the process, or assigned) is not
/// matched by a validation pattern of the context. The message names the variable or value and the pattern.</summary>
public sealed class EnvironmentValueException(string message) : KilnException(message);
