using System.Collections;
using Kiln.Mpi.Native;

namespace Kiln.Mpi.Tests.Native;

public sealed class LibraryChoiceTests
{
    private static LibraryChoice Choose(params (string Name, string Value)[] variables)
    {
        var environment = new Hashtable();
        foreach (var (name, value) in variables)
            environment[name] = value;
        return LibraryChoice.FromEnvironment(environment);
    }

    [Fact]
    public void Open_MPIs_launcher_selects_libmpi_so_40_and_its_size()
    {
        var choice = Choose(("OMPI_COMM_WORLD_SIZE", "4"), ("PMIX_RANK", "0"));
        Assert.Equal(["libmpi.so.40", "libmpi.so"], choice.Candidates);
        Assert.Equal((MpiFlavour.OpenMpi, 4, "OMPI_COMM_WORLD_SIZE=4"), (choice.Launcher, choice.LauncherSize, choice.LauncherSizeVariable));
    }

    [Fact]
    public void A_PMI_launcher_selects_libmpich_so_12_and_its_size()
    {
        var choice = Choose(("PMI_SIZE", "8"), ("PMI_RANK", "3"));
        Assert.Equal("libmpich.so.12", choice.Candidates[0]);
        Assert.Equal((MpiFlavour.Mpich, 8), (choice.Launcher, choice.LauncherSize));
    }

    [Fact]
    public void KILN_MPI_LIBRARY_overrides_the_choice_but_the_launcher_is_still_known()
    {
        var choice = Choose(("OMPI_COMM_WORLD_SIZE", "2"), ("KILN_MPI_LIBRARY", "libmpich.so.12"));
        Assert.Equal(["libmpich.so.12"], choice.Candidates);
        Assert.Equal((MpiFlavour.OpenMpi, 2), (choice.Launcher, choice.LauncherSize));
        Assert.Equal("KILN_MPI_LIBRARY=libmpich.so.12", choice.Reason);
    }

    [Fact]
    public void Without_a_launcher_both_families_are_tried_Open_MPI_first()
    {
        var choice = Choose();
        Assert.Equal(["libmpi.so.40", "libmpich.so.12", "libmpi.so", "libmpich.so", "libmpi.so.12"], choice.Candidates);
        Assert.Null(choice.Launcher);
        Assert.Null(choice.LauncherSize);
    }

    [Fact]
    public void An_empty_override_is_ignored()
    {
        Assert.Equal("libmpich.so.12", Choose(("PMI_RANK", "0"), ("KILN_MPI_LIBRARY", "")).Candidates[0]);
    }
}
