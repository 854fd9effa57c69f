namespace Kiln.Mpi.Discovery;

/// <summary>
/// The ranks could not establish who shares the cache directory (a rank cannot write there, or the listings never
/// agreed). Thrown on every rank with the same first line.
/// </summary>
public sealed class DirectoryDiscoveryException : MpiException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public DirectoryDiscoveryException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public DirectoryDiscoveryException(string message) : base(message)
    {
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public DirectoryDiscoveryException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
