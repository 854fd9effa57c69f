namespace Kiln.Testing;

/// <summary>This project's part of the shared <c>Mpirun</c> (tests/Shared/Mpirun.cs): which host it launches.</summary>
internal static partial class Mpirun
{
    private const string HostName = "Kiln.Jit.Mpi.TestHost";
}
