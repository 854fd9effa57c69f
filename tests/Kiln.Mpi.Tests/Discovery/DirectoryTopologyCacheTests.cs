using Kiln.Mpi.Discovery;

namespace Kiln.Mpi.Tests.Discovery;

public sealed class DirectoryTopologyCacheTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-mpi-topocache-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void A_directory_is_discovered_once_and_then_remembered_on_every_rank()
    {
        var shared = Directory.CreateDirectory(Path.Combine(_root, "shared")).FullName;
        var got = InProcessCommunicator.Run(InProcessCommunicator.Create(3), c =>
        {
            using var cache = new DirectoryTopologyCache(c);
            var first = cache.Get(shared);
            var second = cache.Get(shared + "/");
            return (Same: ReferenceEquals(first, second), cache.Count, first.Group.Size);
        });
        Assert.All(got, g => Assert.Equal((true, 1, 3), g));
    }

    [Fact]
    public void Ranks_that_disagree_on_what_they_remember_discover_again_together_instead_of_hanging()
    {
        var a = Directory.CreateDirectory(Path.Combine(_root, "a")).FullName;
        var b = Directory.CreateDirectory(Path.Combine(_root, "b")).FullName;
        var got = InProcessCommunicator.Run(InProcessCommunicator.Create(2, TimeSpan.FromSeconds(10)), c =>
        {
            using var cache = new DirectoryTopologyCache(c);
            // Rank 0 names directory a both times; rank 1 names b the second time: it has not seen b before.
            var first = cache.Get(a);
            var second = cache.Get(c.Rank == 0 ? a : b);
            return (Rediscovered: !ReferenceEquals(first, second), second.DirectoryCount);
        });
        Assert.All(got, g => Assert.Equal((true, 2), g));
    }
}
