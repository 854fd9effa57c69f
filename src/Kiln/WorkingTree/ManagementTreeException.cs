using Kiln.Diagnostics;

namespace Kiln.WorkingTree;

/// <summary>The management tree <c>.kiln/</c> could not be set up, locked or cleaned up.</summary>
public sealed class ManagementTreeException(string message, Exception? innerException = null) : KilnException(message, innerException);
