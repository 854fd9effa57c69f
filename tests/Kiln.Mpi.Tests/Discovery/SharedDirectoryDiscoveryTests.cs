using Kiln.Platform.Posix;
using Kiln.Mpi.Discovery;

namespace Kiln.Mpi.Tests.Discovery;

public sealed class SharedDirectoryDiscoveryTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-mpi-discovery-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Dir(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    private static IReadOnlyList<T> Run<T>(IReadOnlyList<ICommunicator> world, Func<ICommunicator, T> body) =>
        InProcessCommunicator.Run(world, body);

    [Fact]
    public void Ranks_that_share_one_directory_form_one_group_led_by_rank_0()
    {
        var shared = Dir("shared");
        var got = Run(InProcessCommunicator.Create(4), c =>
        {
            using var t = SharedDirectoryDiscovery.Discover(c, shared);
            return (t.GroupRanks, t.Leader, t.IsLeader, t.Group.Size, t.Group.Rank, t.DirectoryCount, Leaders: t.Leaders?.Size, t.SpansNodes, t.NodeHasOtherDirectories);
        });
        Assert.All(got, g => Assert.Equal([0, 1, 2, 3], g.GroupRanks));
        Assert.Equal([true, false, false, false], got.Select(g => g.IsLeader));
        Assert.Equal([0, 1, 2, 3], got.Select(g => g.Rank));
        Assert.All(got, g => Assert.Equal((0, 4, 1, false, false), (g.Leader, g.Size, g.DirectoryCount, g.SpansNodes, g.NodeHasOtherDirectories)));
        Assert.Equal([1, null, null, null], got.Select(g => g.Leaders));
    }

    [Fact]
    public void Ranks_with_distinct_directories_form_one_group_per_directory()
    {
        var directories = new[] { Dir("a"), Dir("b"), Dir("c") };
        var ofRank = new[] { 0, 1, 0, 2, 1, 0 };
        var got = Run(InProcessCommunicator.Create(6, r => ofRank[r]), c =>
        {
            using var t = SharedDirectoryDiscovery.Discover(c, directories[ofRank[c.Rank]]);
            return (t.GroupRanks, t.Leader, t.DirectoryCount, Leaders: t.Leaders?.Size, LeaderRank: t.Leaders?.Rank, t.SpansNodes, t.NodeCount);
        });
        Assert.Equal([[0, 2, 5], [1, 4], [0, 2, 5], [3], [1, 4], [0, 2, 5]], got.Select(g => g.GroupRanks.ToArray()));
        Assert.Equal([0, 1, 0, 3, 1, 0], got.Select(g => g.Leader));
        Assert.All(got, g => Assert.Equal(3, g.DirectoryCount));
        Assert.Equal([3, 3, null, 3, null, null], got.Select(g => g.Leaders));
        Assert.Equal([0, 1, null, 2, null, null], got.Select(g => g.LeaderRank));
        Assert.All(got, g => Assert.Equal((false, 3), (g.SpansNodes, g.NodeCount)));
    }

    [Fact]
    public void A_directory_shared_across_simulated_nodes_is_reported_as_spanning_nodes()
    {
        var shared = Dir("nfs");
        var got = Run(InProcessCommunicator.Create(4, r => r / 2), c =>
        {
            using var t = SharedDirectoryDiscovery.Discover(c, shared);
            return (t.SpansNodes, t.NodeCount, t.DirectoryCount);
        });
        Assert.All(got, g => Assert.Equal((true, 2, 1), g));
    }

    [Fact]
    public void Private_directories_on_one_node_are_reported()
    {
        var got = Run(InProcessCommunicator.Create(2), c =>
        {
            using var t = SharedDirectoryDiscovery.Discover(c, Dir("private" + c.Rank));
            return (t.NodeHasOtherDirectories, t.DirectoryCount);
        });
        Assert.All(got, g => Assert.Equal((true, 2), g));
    }

    [Fact]
    public void Discovery_removes_its_marker_files()
    {
        var shared = Dir("clean");
        Run(InProcessCommunicator.Create(3), c =>
        {
            SharedDirectoryDiscovery.Discover(c, shared).Dispose();
            return 0;
        });
        Assert.Empty(Directory.EnumerateFileSystemEntries(shared));
    }

    [Fact]
    public void A_rank_whose_directory_does_not_exist_makes_every_rank_fail_with_the_same_first_line()
    {
        var shared = Dir("exists");
        var missing = Path.Combine(_root, "missing");
        var error = Assert.Throws<AggregateException>(() => Run(InProcessCommunicator.Create(3), c =>
            SharedDirectoryDiscovery.Discover(c, c.Rank == 1 ? missing : shared)));
        var failures = error.InnerExceptions.Cast<DirectoryDiscoveryException>().ToList();
        Assert.Equal(3, failures.Count);
        Assert.All(failures, f => Assert.StartsWith(
            "1 rank(s) could not create a marker file in their cache directory, the lowest is rank 1 of 'world'; the directory must exist and be writable", f.Message, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFileSystemEntries(shared));
    }

    [Fact]
    public void Listings_that_lag_like_a_network_file_system_are_retried_until_every_rank_agrees()
    {
        var shared = Dir("lagging");
        var got = Run(InProcessCommunicator.Create(4), c =>
        {
            // Rank 3's first two listings show only its own marker.
            var directory = new LaggingDirectory(new MarkerDirectory(shared), c.Rank, hiddenListings: c.Rank == 3 ? 2 : 0);
            using var t = SharedDirectoryDiscovery.Discover(c, directory, timeout: null, sleep: _ => { });
            return (t.GroupRanks, t.ListingRounds);
        });
        Assert.All(got, g => Assert.Equal([0, 1, 2, 3], g.GroupRanks));
        Assert.All(got, g => Assert.Equal(3, g.ListingRounds));
        Assert.Empty(Directory.EnumerateFiles(shared));
    }

    [Fact]
    public void Listings_that_never_agree_end_in_an_error_on_every_rank()
    {
        var shared = Dir("never");
        var error = Assert.Throws<AggregateException>(() => Run(InProcessCommunicator.Create(2), c =>
            SharedDirectoryDiscovery.Discover(c, new LaggingDirectory(new MarkerDirectory(shared), c.Rank, c.Rank == 0 ? int.MaxValue : 0),
                timeout: null, sleep: _ => { })));
        Assert.Equal(2, error.InnerExceptions.Count);
        Assert.All(error.InnerExceptions, e => Assert.Contains(
            $"still disagree on who shares their cache directory after {SharedDirectoryDiscovery.MaxListingRounds} listings", e.Message, StringComparison.Ordinal));
        Assert.Empty(Directory.EnumerateFiles(shared));
    }

    [Fact]
    public void A_rank_that_never_joins_discovery_makes_the_others_time_out()
    {
        var shared = Dir("absent");
        var world = InProcessCommunicator.Create(3, TimeSpan.FromMilliseconds(300));
        var error = Assert.Throws<AggregateException>(() => Run(world, c =>
            c.Rank == 2 ? null : SharedDirectoryDiscovery.Discover(c, shared)));
        Assert.All(error.InnerExceptions, e => Assert.IsType<MpiTimeoutException>(e));
        Assert.Equal(2, error.InnerExceptions.Count);
    }

    public static TheoryData<string, int, string> Layouts() => new()
    {
        // name, ranks, directory of each rank (letters) and, after '/', its simulated node (digits)
        { "one directory, one node", 4, "aaaa/0000" },
        { "one directory over two nodes", 4, "aaaa/0011" },
        { "a directory per node", 6, "aabbcc/001122" },
        { "private directories", 3, "abc/000" },
        { "mixed", 6, "abaacb/001122" },
    };

    [Theory]
    [MemberData(nameof(Layouts))]
    public void Node_then_touch_files_finds_the_same_topology_as_touch_files(string layout, int size, string map)
    {
        Assert.NotNull(layout);
        var parts = map.Split('/');
        var directories = parts[0].Distinct().ToDictionary(c => c, c => Dir("d" + c));
        string DirectoryOf(int r) => directories[parts[0][r]];
        object Describe(DirectoryTopology t) => (string.Join(",", t.GroupRanks), t.Leader, t.IsLeader, t.DirectoryCount, t.NodeCount,
            t.SpansNodes, t.NodeHasOtherDirectories, t.Leaders?.Size, t.Leaders?.Rank, t.Group.Size, t.Group.Rank);
        IReadOnlyList<object> With(DiscoveryMethod method) => Run(InProcessCommunicator.Create(size, r => parts[1][r] - '0'), c =>
        {
            using var t = SharedDirectoryDiscovery.Discover(c, DirectoryOf(c.Rank), method);
            return Describe(t);
        });
        Assert.Equal(With(DiscoveryMethod.TouchFiles), With(DiscoveryMethod.NodeThenTouchFiles));
        Assert.All(directories.Values, d => Assert.Empty(Directory.EnumerateFileSystemEntries(d)));
    }

    [Fact]
    public void Node_then_touch_files_reports_a_missing_directory_like_touch_files()
    {
        var shared = Dir("present");
        var error = Assert.Throws<AggregateException>(() => Run(InProcessCommunicator.Create(3), c =>
            SharedDirectoryDiscovery.Discover(c, c.Rank == 2 ? Path.Combine(_root, "absent") : shared, DiscoveryMethod.NodeThenTouchFiles)));
        Assert.Equal(3, error.InnerExceptions.Count);
        Assert.All(error.InnerExceptions, e => Assert.StartsWith("1 rank(s) could not create a marker file", Assert.IsType<DirectoryDiscoveryException>(e).Message, StringComparison.Ordinal));
    }

    [Fact]
    public void Node_then_touch_files_touches_one_marker_per_node_and_directory()
    {
        var shared = Dir("counted");
        var created = new System.Collections.Concurrent.ConcurrentBag<string>();
        Run(InProcessCommunicator.Create(6, r => r / 3), c =>
        {
            using var t = SharedDirectoryDiscovery.DiscoverByNode(c, new CountingDirectory(new MarkerDirectory(shared), created), timeout: null);
            return t.Group.Size;
        });
        Assert.Equal(2, created.Count); // two nodes, one directory: two representatives
    }

    [Fact]
    public void The_identity_of_a_directory_is_its_device_and_inode()
    {
        var a = Dir("ida");
        var alias = Path.Combine(_root, "alias");
        Directory.CreateSymbolicLink(alias, a);
        Assert.NotNull(DirectoryIdentity.Of(a));
        Assert.Equal(DirectoryIdentity.Of(a), DirectoryIdentity.Of(alias));
        Assert.NotEqual(DirectoryIdentity.Of(a), DirectoryIdentity.Of(Dir("idb")));
        Assert.Null(DirectoryIdentity.Of(Path.Combine(_root, "none")));
    }

    private sealed class CountingDirectory(IMarkerDirectory inner, System.Collections.Concurrent.ConcurrentBag<string> created) : IMarkerDirectory
    {
        public string Path => inner.Path;

        public void Create(string name, string content)
        {
            created.Add(name);
            inner.Create(name, content);
        }

        public IReadOnlyList<string> List(string prefix) => inner.List(prefix);

        public void Delete(string name) => inner.Delete(name);

        public (ulong Device, ulong Inode)? Identity() => inner.Identity();
    }

    /// <summary>Hides the other ranks' markers for the first listings, as an NFS client's directory cache can.</summary>
    private sealed class LaggingDirectory(IMarkerDirectory inner, int rank, int hiddenListings) : IMarkerDirectory
    {
        private int _listings;

        public string Path => inner.Path;

        public void Create(string name, string content) => inner.Create(name, content);

        public void Delete(string name) => inner.Delete(name);

        public (ulong Device, ulong Inode)? Identity() => inner.Identity();

        public IReadOnlyList<string> List(string prefix)
        {
            var all = inner.List(prefix);
            return _listings++ < hiddenListings ? [.. all.Where(n => n.EndsWith("-" + rank, StringComparison.Ordinal))] : all;
        }
    }
}
