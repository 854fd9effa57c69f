using System.Collections.Concurrent;
using System.Text;
using Kiln.Mpi.Coordination;
using Kiln.Mpi.Discovery;

namespace Kiln.Mpi.Tests.Coordination;

public sealed class DistributedBuildTests : IDisposable
{
    private static readonly byte[] Library = Encoding.UTF8.GetBytes("\x7fELF library");
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-mpi-build-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>A cache per directory: a published file per directory, and a log of what each rank did.</summary>
    private sealed class Caches(string root)
    {
        public ConcurrentBag<(int Rank, string Action)> Log { get; } = [];

        public string Directory(string name) => System.IO.Directory.CreateDirectory(Path.Combine(root, name)).FullName;

        public BuildCallbacks For(int rank, string directory, Action? build = null) => new(
            IsPublished: () => File.Exists(Path.Combine(directory, "lib.so")),
            Build: () =>
            {
                Log.Add((rank, "build"));
                build?.Invoke();
                Publish(directory, Library);
            },
            ReadPublished: () => File.ReadAllBytes(Path.Combine(directory, "lib.so")),
            Install: bytes =>
            {
                Log.Add((rank, "install"));
                Publish(directory, bytes);
            });

        private static void Publish(string directory, byte[] bytes)
        {
            var temp = Path.Combine(directory, $"lib.so.{Guid.NewGuid():N}.tmp");
            File.WriteAllBytes(temp, bytes);
            File.Move(temp, Path.Combine(directory, "lib.so"), overwrite: true);
        }
    }

    private static IReadOnlyList<T> Run<T>(int size, Func<int, string> directoryOfRank, Func<ICommunicator, DirectoryTopology, T> body,
        Func<int, int>? nodeOfRank = null, TimeSpan? timeout = null) =>
        InProcessCommunicator.Run(InProcessCommunicator.Create(size, nodeOfRank ?? (_ => 0), timeout), c =>
        {
            using var topology = SharedDirectoryDiscovery.Discover(c, directoryOfRank(c.Rank));
            return body(c, topology);
        });

    [Fact]
    public void Node_mode_builds_once_per_shared_directory_and_the_others_wait()
    {
        var caches = new Caches(_root);
        var shared = caches.Directory("shared");
        var got = Run(4, _ => shared, (c, t) => DistributedBuild.Run(c, t, BuildMode.Node, caches.For(c.Rank, shared)));
        Assert.Equal([(0, "build")], caches.Log);
        Assert.Equal([BuildRole.Builder, BuildRole.Waiter, BuildRole.Waiter, BuildRole.Waiter], got.Select(o => o.Role));
        Assert.All(got, o => Assert.Equal(BuildMode.Node, o.Mode));
    }

    [Fact]
    public void Node_mode_builds_once_in_each_directory()
    {
        var caches = new Caches(_root);
        var directories = new[] { caches.Directory("a"), caches.Directory("b") };
        var got = Run(4, r => directories[r % 2], (c, t) => DistributedBuild.Run(c, t, BuildMode.Node, caches.For(c.Rank, directories[c.Rank % 2])));
        Assert.Equal([0, 1], caches.Log.Where(l => l.Action == "build").Select(l => l.Rank).Order());
        Assert.Equal([BuildRole.Builder, BuildRole.Builder, BuildRole.Waiter, BuildRole.Waiter], got.Select(o => o.Role));
    }

    [Fact]
    public void A_second_call_is_a_hit_everywhere_and_nothing_is_built()
    {
        var caches = new Caches(_root);
        var shared = caches.Directory("shared");
        var got = Run(3, _ => shared, (c, t) =>
        {
            DistributedBuild.Run(c, t, BuildMode.Node, caches.For(c.Rank, shared));
            return DistributedBuild.Run(c, t, BuildMode.Node, caches.For(c.Rank, shared)).Role;
        });
        Assert.Single(caches.Log);
        Assert.All(got, r => Assert.Equal(BuildRole.Hit, r));
    }

    [Fact]
    public void Root_mode_builds_once_per_job_and_ships_the_bytes_to_the_other_directories()
    {
        var caches = new Caches(_root);
        var directories = new[] { caches.Directory("n0"), caches.Directory("n1"), caches.Directory("n2") };
        var got = Run(6, r => directories[r / 2], (c, t) => DistributedBuild.Run(c, t, BuildMode.Root, caches.For(c.Rank, directories[c.Rank / 2])),
            nodeOfRank: r => r / 2);
        Assert.Equal([(0, "build")], caches.Log.Where(l => l.Action == "build"));
        Assert.Equal([2, 4], caches.Log.Where(l => l.Action == "install").Select(l => l.Rank).Order());
        Assert.Equal([BuildRole.Builder, BuildRole.Waiter, BuildRole.Receiver, BuildRole.Waiter, BuildRole.Receiver, BuildRole.Waiter], got.Select(o => o.Role));
        Assert.All(directories, d => Assert.Equal(Library, File.ReadAllBytes(Path.Combine(d, "lib.so"))));
    }

    [Fact]
    public void Root_mode_does_not_ship_when_every_other_directory_has_the_library()
    {
        var caches = new Caches(_root);
        var directories = new[] { caches.Directory("n0"), caches.Directory("n1") };
        File.WriteAllBytes(Path.Combine(directories[1], "lib.so"), Library);
        var got = Run(4, r => directories[r / 2], (c, t) => DistributedBuild.Run(c, t, BuildMode.Root, caches.For(c.Rank, directories[c.Rank / 2])));
        Assert.Equal([(0, "build")], caches.Log);
        Assert.Equal([BuildRole.Builder, BuildRole.Waiter, BuildRole.Hit, BuildRole.Hit], got.Select(o => o.Role));
    }

    [Fact]
    public void Auto_mode_is_node_for_one_directory_and_root_for_several()
    {
        var caches = new Caches(_root);
        var shared = caches.Directory("one");
        Assert.All(Run(2, _ => shared, (c, t) => DistributedBuild.Resolve(t, BuildMode.Auto)), m => Assert.Equal(BuildMode.Node, m));
        Assert.All(Run(2, r => caches.Directory("p" + r), (c, t) => DistributedBuild.Resolve(t, BuildMode.Auto)), m => Assert.Equal(BuildMode.Root, m));
    }

    [Theory]
    [InlineData(BuildMode.Node)]
    [InlineData(BuildMode.Root)]
    public void A_failed_build_makes_every_rank_throw_the_same_error_instead_of_hanging(BuildMode mode)
    {
        var caches = new Caches(_root);
        var directories = new[] { caches.Directory("f0"), caches.Directory("f1") };
        var error = Assert.Throws<AggregateException>(() => Run(4, r => directories[r / 2], (c, t) =>
            DistributedBuild.Run(c, t, mode, caches.For(c.Rank, directories[c.Rank / 2],
                build: () => throw new InvalidOperationException("x.cpp:3: error: expected ';'")))));
        Assert.Equal(4, error.InnerExceptions.Count);
        var messages = error.InnerExceptions.Select(e => Assert.IsType<RootFailedException>(e).Message).Distinct().ToList();
        Assert.Single(messages);
        Assert.EndsWith("failed: System.InvalidOperationException: x.cpp:3: error: expected ';'", messages[0], StringComparison.Ordinal);
    }

    [Fact]
    public void Ranks_that_disagree_on_hit_or_miss_neither_hang_nor_build_twice()
    {
        var caches = new Caches(_root);
        var shared = caches.Directory("shared");
        // Rank 2 "hits" (say from its memory cache) while the others miss: dijitso's hazard H1.
        var got = Run(4, _ => shared, (c, t) =>
        {
            var callbacks = caches.For(c.Rank, shared);
            if (c.Rank == 2)
                callbacks = callbacks with { IsPublished = () => true };
            return DistributedBuild.Run(c, t, BuildMode.Node, callbacks).Role;
        });
        Assert.Equal([(0, "build")], caches.Log);
        Assert.Equal([BuildRole.Builder, BuildRole.Waiter, BuildRole.Waiter, BuildRole.Waiter], got);
    }

    [Fact]
    public void Process_mode_builds_on_every_rank_with_its_own_directory()
    {
        var caches = new Caches(_root);
        var got = Run(3, r => caches.Directory("r" + r), (c, t) => DistributedBuild.Run(c, t, BuildMode.Process, caches.For(c.Rank, caches.Directory("r" + c.Rank))).Role);
        Assert.Equal(3, caches.Log.Count(l => l.Action == "build"));
        Assert.All(got, r => Assert.Equal(BuildRole.Builder, r));
    }

    [Fact]
    public void Process_mode_is_refused_on_every_rank_when_ranks_share_a_directory()
    {
        var caches = new Caches(_root);
        var shared = caches.Directory("shared");
        var error = Assert.Throws<AggregateException>(() => Run(3, _ => shared, (c, t) =>
            DistributedBuild.Run(c, t, BuildMode.Process, caches.For(c.Rank, shared))));
        Assert.Equal(3, error.InnerExceptions.Count);
        Assert.All(error.InnerExceptions, e => Assert.StartsWith("build mode Process needs one cache directory per rank", e.Message, StringComparison.Ordinal));
        Assert.Empty(caches.Log);
    }

    [Fact]
    public void A_failure_on_one_rank_in_process_mode_reaches_every_rank()
    {
        var caches = new Caches(_root);
        var error = Assert.Throws<AggregateException>(() => Run(3, r => caches.Directory("r" + r), (c, t) =>
            DistributedBuild.Run(c, t, BuildMode.Process, caches.For(c.Rank, caches.Directory("r" + c.Rank),
                build: c.Rank == 1 ? () => throw new IOException("disk full") : null))));
        Assert.Equal(3, error.InnerExceptions.Count);
        Assert.All(error.InnerExceptions, e => Assert.Equal("the work of rank 1 of communicator 'world' failed: System.IO.IOException: disk full", e.Message));
    }

    [Fact]
    public void A_builder_that_never_finishes_makes_the_waiters_time_out()
    {
        var caches = new Caches(_root);
        var shared = caches.Directory("shared");
        using var release = new ManualResetEventSlim();
        var error = Assert.Throws<AggregateException>(() => Run(3, _ => shared, (c, t) =>
        {
            try
            {
                return DistributedBuild.Run(c, t, BuildMode.Node, caches.For(c.Rank, shared, build: () => release.Wait(TimeSpan.FromSeconds(30))),
                    timeout: TimeSpan.FromMilliseconds(300));
            }
            finally
            {
                if (c.Rank != 0)
                    release.Set();
            }
        }));
        Assert.Contains(error.InnerExceptions, e => e is MpiTimeoutException { Operation: "Broadcast", Rank: 1 or 2 });
    }
}
