using System.Globalization;

namespace Kiln.Mpi;

/// <summary>
/// An MPI operation did not complete within its timeout: some rank did not take part (it hangs, is slow, or took a
/// different branch). The communicator it happened on is unusable afterwards.
/// </summary>
public sealed class MpiTimeoutException : MpiException
{
    /// <summary>Creates the exception with a one-line message.</summary>
    public MpiTimeoutException()
    {
        Operation = WaitedFor = Communicator = "";
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">The message.</param>
    public MpiTimeoutException(string message) : base(message)
    {
        Operation = WaitedFor = Communicator = "";
    }

    /// <summary>Creates the exception with a message and its cause.</summary>
    /// <param name="message">The message.</param>
    /// <param name="innerException">The cause.</param>
    public MpiTimeoutException(string message, Exception innerException) : base(message, innerException)
    {
        Operation = WaitedFor = Communicator = "";
    }

    /// <summary>Creates the exception from its parts; the message names all of them.</summary>
    /// <param name="operation">The operation, e.g. <c>Broadcast</c>.</param>
    /// <param name="communicator">The communicator's name.</param>
    /// <param name="rank">The rank that gave up waiting.</param>
    /// <param name="size">The communicator's size.</param>
    /// <param name="waitedFor">What the rank waited for, e.g. <c>the bytes from root rank 0</c>.</param>
    /// <param name="timeout">The timeout that elapsed.</param>
    public MpiTimeoutException(string operation, string communicator, int rank, int size, string waitedFor, TimeSpan timeout)
        : base(string.Create(CultureInfo.InvariantCulture,
            $"MPI {operation} timed out after {timeout.TotalSeconds:0.###} s on rank {rank} of {size} of communicator '{communicator}': waited for {waitedFor}; a rank did not take part (hung, too slow, or took another branch)"))
    {
        Operation = operation;
        Communicator = communicator;
        Rank = rank;
        Size = size;
        WaitedFor = waitedFor;
        Timeout = timeout;
    }

    /// <summary>The operation that timed out, e.g. <c>Broadcast</c>.</summary>
    public string Operation { get; }

    /// <summary>The communicator's name.</summary>
    public string Communicator { get; }

    /// <summary>The rank that gave up waiting.</summary>
    public int Rank { get; }

    /// <summary>The communicator's size.</summary>
    public int Size { get; }

    /// <summary>What the rank waited for.</summary>
    public string WaitedFor { get; }

    /// <summary>The timeout that elapsed.</summary>
    public TimeSpan Timeout { get; }
}
