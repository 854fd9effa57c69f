namespace Kiln.Mpi;

/// <summary>The MPI implementation family whose application binary interface the binding speaks.</summary>
public enum MpiFlavour
{
    /// <summary>Open MPI 4.x (<c>libmpi.so.40</c>): handles are addresses of exported globals such as <c>ompi_mpi_comm_world</c>.</summary>
    OpenMpi,

    /// <summary>MPICH 4.x and its ABI family (<c>libmpich.so.12</c>): handles are 32-bit integer constants from <c>mpi.h</c>.</summary>
    Mpich,
}
