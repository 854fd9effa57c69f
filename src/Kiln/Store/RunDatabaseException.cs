using Kiln.Diagnostics;

namespace Kiln.Store;

/// <summary>The run-database could not be opened, read or written.</summary>
public sealed class RunDatabaseException(string message, Exception? innerException = null) : KilnException(message, innerException);
