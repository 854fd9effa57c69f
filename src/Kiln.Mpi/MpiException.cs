namespace Kiln.Mpi;

/// <summary>An MPI operation failed, the MPI library could not be used, or a communicator is no longer usable.</summary>
public class MpiException : Exception
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public MpiException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed, where, and what to do about it.</param>
    public MpiException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">What failed, where, and what to do about it.</param>
    /// <param name="innerException">The cause.</param>
    public MpiException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
