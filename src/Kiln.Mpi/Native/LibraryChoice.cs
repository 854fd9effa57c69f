using System.Collections;
using System.Globalization;

namespace Kiln.Mpi.Native;

/// <summary>
/// Which MPI library to open, decided from the launcher's environment: the library must match the launcher, or MPI
/// silently starts every process as rank 0 of 1 (measured here: libmpich under Open MPI's mpirun).
/// </summary>
/// <param name="Candidates">Library names to try in order (the first that opens is used).</param>
/// <param name="Reason">Why these candidates, for messages.</param>
/// <param name="Launcher">The launcher family the environment shows, or <see langword="null"/> when none does (singleton run).</param>
/// <param name="LauncherSizeVariable">The variable that holds the launcher's world size, e.g. <c>OMPI_COMM_WORLD_SIZE=4</c>.</param>
/// <param name="LauncherSize">The world size the launcher started, if it says.</param>
internal sealed record LibraryChoice(IReadOnlyList<string> Candidates, string Reason, MpiFlavour? Launcher,
    string? LauncherSizeVariable, int? LauncherSize)
{
    /// <summary>Environment variable that names the MPI library to open (a file name or path), overriding detection.</summary>
    public const string OverrideVariable = "KILN_MPI_LIBRARY";

    public static readonly IReadOnlyList<string> OpenMpiNames = ["libmpi.so.40", "libmpi.so"];
    public static readonly IReadOnlyList<string> MpichNames = ["libmpich.so.12", "libmpich.so", "libmpi.so.12"];

    /// <summary>Decides from <paramref name="environment"/> (variable name → value).</summary>
    public static LibraryChoice FromEnvironment(IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        string? Get(string name) => environment[name] as string is { Length: > 0 } v ? v : null;

        MpiFlavour? launcher = null;
        string? sizeVariable = null;
        int? size = null;
        if (Get("OMPI_COMM_WORLD_SIZE") is { } ompi)
        {
            launcher = MpiFlavour.OpenMpi;
            sizeVariable = "OMPI_COMM_WORLD_SIZE=" + ompi;
            size = int.TryParse(ompi, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : null;
        }
        else if (Get("PMI_SIZE") is { } pmi)
        {
            launcher = MpiFlavour.Mpich;
            sizeVariable = "PMI_SIZE=" + pmi;
            size = int.TryParse(pmi, NumberStyles.Integer, CultureInfo.InvariantCulture, out var s) ? s : null;
        }
        else if (Get("PMI_RANK") is not null)
        {
            launcher = MpiFlavour.Mpich;
        }

        if (Get(OverrideVariable) is { } chosen)
            return new LibraryChoice([chosen], $"{OverrideVariable}={chosen}", launcher, sizeVariable, size);
        return launcher switch
        {
            MpiFlavour.OpenMpi => new LibraryChoice(OpenMpiNames, $"{sizeVariable} (Open MPI's mpirun)", launcher, sizeVariable, size),
            MpiFlavour.Mpich => new LibraryChoice(MpichNames, $"{sizeVariable ?? "PMI_RANK"} (a PMI launcher: MPICH's mpiexec)", launcher, sizeVariable, size),
            _ => new LibraryChoice([.. OpenMpiNames.Take(1), .. MpichNames.Take(1), .. OpenMpiNames.Skip(1), .. MpichNames.Skip(1)],
                "no launcher variable (a singleton run)", null, null, null),
        };
    }

    /// <summary>The library names that match a flavour, for the advice in error messages.</summary>
    public static string Suggest(MpiFlavour flavour) => flavour == MpiFlavour.OpenMpi ? OpenMpiNames[0] : MpichNames[0];

    /// <summary>The launcher command of a flavour, for error messages.</summary>
    public static string LauncherName(MpiFlavour flavour) => flavour == MpiFlavour.OpenMpi ? "Open MPI's mpirun" : "MPICH's mpiexec (PMI)";
}
