namespace Kiln.Mpi;

/// <summary>
/// The work that one rank did for all (<see cref="Collective.RunOnRoot"/>) failed; every rank of the communicator
/// throws this with the same message, so that all of them leave the collective code path together. An
/// <see cref="MpiException"/>: a collective failed, so one catch of <see cref="MpiException"/> covers it.
/// </summary>
public sealed class RootFailedException : MpiException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public RootFailedException()
    {
        Communicator = ErrorType = ErrorMessage = "";
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public RootFailedException(string message) : base(message)
    {
        Communicator = ErrorType = ErrorMessage = "";
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public RootFailedException(string message, Exception innerException) : base(message, innerException)
    {
        Communicator = ErrorType = ErrorMessage = "";
    }

    /// <summary>Creates the exception from the root's failure.</summary>
    /// <param name="rootRank">The rank whose work failed.</param>
    /// <param name="communicator">The communicator's name.</param>
    /// <param name="errorType">The full name of the root's exception type.</param>
    /// <param name="errorMessage">The root's exception message.</param>
    /// <param name="innerException">The original exception (only on the root), or <see langword="null"/>.</param>
    public RootFailedException(int rootRank, string communicator, string errorType, string errorMessage, Exception? innerException = null)
        // Null on the ranks that only received the failure: Exception takes a null cause (MpiException's signature does not say so).
        : base($"the work of rank {rootRank} of communicator '{communicator}' failed: {errorType}: {errorMessage}", innerException!)
    {
        RootRank = rootRank;
        Communicator = communicator;
        ErrorType = errorType;
        ErrorMessage = errorMessage;
    }

    /// <summary>The rank whose work failed.</summary>
    public int RootRank { get; }

    /// <summary>The communicator's name.</summary>
    public string Communicator { get; }

    /// <summary>The full name of the root's exception type, e.g. <c>Kiln.Jit.BuildFailedException</c>.</summary>
    public string ErrorType { get; }

    /// <summary>The root's exception message (e.g. the compiler's error with the failure directory).</summary>
    public string ErrorMessage { get; }
}
