namespace Kiln.Diagnostics;

/// <summary>
/// Base of Kiln's errors. The message is dlb-shaped: a first line saying what failed, then continuation lines
/// <c>"  | reason: …"</c> and <c>"  | …what to do"</c>; it never needs a stack trace to be understood.
/// </summary>
public abstract class KilnException : Exception
{
    /// <summary>Creates an error with a complete message.</summary>
    protected KilnException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
