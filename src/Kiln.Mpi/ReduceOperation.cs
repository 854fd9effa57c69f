namespace Kiln.Mpi;

/// <summary>How <see cref="ICommunicator.AllReduce(int, ReduceOperation, TimeSpan?)"/> combines the ranks' values.</summary>
public enum ReduceOperation
{
    /// <summary>The smallest value (MPI_MIN).</summary>
    Min,

    /// <summary>The largest value (MPI_MAX).</summary>
    Max,

    /// <summary>The sum, wrapping on overflow (MPI_SUM).</summary>
    Sum,
}
