using Kiln.Paths;
using Kiln.Store;
using Kiln.Tests.Fakes;
using Kiln.WorkingTree;
using Microsoft.Extensions.Time.Testing;

namespace Kiln.Tests.WorkingTree;

/// <summary>
/// Entering and leaving the management tree <c>.kiln/</c>: marker, lock, repairs, temporaries, working-tree
/// time; after dlb's <c>test/dlb/0/test_ex_context.py</c> and <c>test_ex_worktree.py</c>.
/// </summary>
public sealed class ManagementTreeTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly PosixFileSystem _fs = PosixFileSystem.Instance;

    private string Root => _directory.Path;

    private string P(string relative) => _directory.Path + relative;

    public void Dispose() => _directory.Dispose();

    private static ManagementTree Enter(IFileSystem fs, string root) => ManagementTree.Enter(fs, root, RunDatabase.FileName, RunDatabase.OlderFileNames);

    private ManagementTree EnterNew()
    {
        Directory.CreateDirectory(P(".kiln"));
        return Enter(_fs, Root);
    }

    [Fact]
    public void A_directory_without_kiln_is_no_working_tree()
    {
        var e = Assert.Throws<NoWorkingTreeException>(() => Enter(_fs, Root));

        Assert.Contains("'.kiln'", e.Message, StringComparison.Ordinal);
        Assert.Contains("working tree", e.Message, StringComparison.Ordinal);
        Assert.StartsWith($"current directory is no working tree: '{Root}'\n", e.Message);
    }

    [Fact]
    public void A_kiln_symbolic_link_to_a_directory_is_no_working_tree()
    {
        Directory.CreateDirectory(P("real"));
        Directory.CreateSymbolicLink(P(".kiln"), P("real"));

        var e = Assert.Throws<NoWorkingTreeException>(() => Enter(_fs, Root));

        Assert.Contains("'.kiln'", e.Message, StringComparison.Ordinal);
        Assert.Contains("working tree", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_kiln_regular_file_is_no_working_tree()
    {
        File.WriteAllText(P(".kiln"), "");

        Assert.Throws<NoWorkingTreeException>(() => Enter(_fs, Root));
    }

    [Fact]
    public void Entering_creates_the_temporary_directory_the_probe_and_the_lock()
    {
        using var tree = EnterNew();

        Assert.Equal(Root, tree.RootNative);
        Assert.True(Directory.Exists(P(".kiln/t")));
        Assert.True(File.Exists(P(".kiln/o")));
        Assert.True(File.Exists(P(".kiln/lock")));
        Assert.Equal(P(".kiln/runs-2.sqlite"), tree.RunDatabaseNative);
    }

    [Fact]
    public void The_root_may_be_given_without_a_trailing_slash()
    {
        Directory.CreateDirectory(P(".kiln"));

        using var tree = Enter(_fs, Root.TrimEnd('/'));

        Assert.Equal(Root, tree.RootNative);
    }

    [Fact]
    public void Entering_empties_a_non_empty_temporary_directory()
    {
        Directory.CreateDirectory(P(".kiln/t/a/b"));
        File.WriteAllText(P(".kiln/t/c"), "");

        using var tree = EnterNew();

        Assert.Empty(Directory.GetFileSystemEntries(P(".kiln/t")));
    }

    [Fact]
    public void Entering_replaces_a_temporary_directory_that_is_a_file()
    {
        Directory.CreateDirectory(P(".kiln"));
        File.WriteAllText(P(".kiln/t"), "");

        using var tree = EnterNew();

        Assert.True(Directory.Exists(P(".kiln/t")));
    }

    [Fact]
    public void Entering_replaces_a_temporary_directory_that_is_a_symbolic_link_without_touching_its_target()
    {
        Directory.CreateDirectory(P("outside"));
        File.WriteAllText(P("outside/keep"), "");
        Directory.CreateDirectory(P(".kiln"));
        Directory.CreateSymbolicLink(P(".kiln/t"), P("outside"));

        using (var tree = EnterNew())
            Assert.Equal(FileKind.Directory, _fs.Lstat(P(".kiln/t")).Kind);

        Assert.True(File.Exists(P("outside/keep")));
    }

    [Fact]
    public void Entering_replaces_a_probe_that_is_a_directory()
    {
        Directory.CreateDirectory(P(".kiln/o/x"));

        using var tree = EnterNew();

        Assert.Equal(FileKind.RegularFile, _fs.Lstat(P(".kiln/o")).Kind);
    }

    [Fact]
    public void Entering_removes_a_run_database_path_that_is_a_directory()
    {
        Directory.CreateDirectory(P(".kiln/runs-2.sqlite/x"));

        using var tree = EnterNew();

        Assert.False(_fs.Lstat(P(".kiln/runs-2.sqlite")).Exists);
    }

    [Fact]
    public void Entering_removes_the_run_database_of_an_older_schema_with_its_wal_and_shm()
    {
        Directory.CreateDirectory(P(".kiln"));
        foreach (var name in (string[])["runs-1.sqlite", "runs-1.sqlite-wal", "runs-1.sqlite-shm"])
            File.WriteAllText(P(".kiln/" + name), "old");

        using var tree = EnterNew();

        Assert.True(tree.RemovedOlderRunDatabase);
        Assert.Empty(Directory.EnumerateFiles(P(".kiln"), "runs-1.sqlite*"));
    }

    [Fact]
    public void Entering_a_tree_without_an_older_run_database_removes_nothing()
    {
        using var tree = EnterNew();

        Assert.False(tree.RemovedOlderRunDatabase);
    }

    [Fact]
    public void Entering_keeps_a_run_database_file_and_the_users_entries()
    {
        Directory.CreateDirectory(P(".kiln/u"));
        File.WriteAllText(P(".kiln/u/a.dll"), "u");
        File.WriteAllText(P(".kiln/z"), "z");
        File.WriteAllText(P(".kiln/runs-2.sqlite"), "db");

        using var tree = EnterNew();

        Assert.Equal("u", File.ReadAllText(P(".kiln/u/a.dll")));
        Assert.Equal("z", File.ReadAllText(P(".kiln/z")));
        Assert.Equal("db", File.ReadAllText(P(".kiln/runs-2.sqlite")));
    }

    [Fact]
    public void Entering_replaces_a_lock_path_that_is_a_directory()
    {
        Directory.CreateDirectory(P(".kiln/lock/x"));

        using var tree = EnterNew();

        Assert.Equal(FileKind.RegularFile, _fs.Lstat(P(".kiln/lock")).Kind);
    }

    [Fact]
    public void A_held_lock_is_a_three_line_error()
    {
        Directory.CreateDirectory(P(".kiln"));
        using var held = ProcessLock.TryAcquire(P(".kiln/lock"));

        var e = Assert.Throws<ManagementTreeException>(() => Enter(_fs, Root));

        var lines = e.Message.Split('\n');
        Assert.Equal(3, lines.Length);
        Assert.Equal($"cannot acquire lock for exclusive access to working tree '{Root}'", lines[0]);
        Assert.Equal($"  | reason: '{P(".kiln/lock")}' is locked by another kiln process (pid {Environment.ProcessId})", lines[1]);
        Assert.StartsWith("  | wait for it to finish", lines[2]);
    }

    [Fact]
    public void A_failed_entry_leaves_nothing_locked()
    {
        Directory.CreateDirectory(P(".kiln"));
        var fs = new FailingProbeFileSystem();

        var e = Assert.Throws<ManagementTreeException>(() => Enter(fs, Root));

        Assert.StartsWith($"failed to setup management tree for '{Root}'\n  | reason: probe failed", e.Message);
        using var again = ProcessLock.TryAcquire(P(".kiln/lock"));
        Assert.NotNull(again);
    }

    [Fact]
    public void Leaving_removes_the_temporaries_and_releases_the_lock()
    {
        var tree = EnterNew();
        File.WriteAllText(P(".kiln/t/a"), "");

        tree.Dispose();

        Assert.False(Directory.Exists(P(".kiln/t")));
        using var again = Enter(_fs, Root);
    }

    [Fact]
    public void Temporary_names_are_a_to_z_then_two_characters()
    {
        using var tree = EnterNew();

        var names = Enumerable.Range(0, 26 + 26 * 35 + 1).Select(_ => tree.NewTemporaryPath("", isDirectory: false).Name).ToList();

        Assert.Equal([.. "abcdefghijklmnopqrstuvwxyz".Select(c => c.ToString())], names[..26]);
        Assert.Equal(2, names[26].Length);
        Assert.All(names[26..^1], n => Assert.Equal(2, n.Length));
        Assert.Equal(3, names[^1].Length);
        Assert.Equal(names.Count, names.Distinct().Count());
    }

    [Fact]
    public void A_temporary_path_is_under_kiln_t_with_its_suffix_and_directory_ness()
    {
        using var tree = EnterNew();

        Assert.Equal(".kiln/t/a.o", tree.NewTemporaryPath(".o", isDirectory: false).AsString());
        Assert.Equal(".kiln/t/b-x/", tree.NewTemporaryPath("-x", isDirectory: true).AsString());
    }

    [Theory]
    [InlineData("o")]
    [InlineData("./x")]
    [InlineData(".a/b")]
    public void A_temporary_suffix_must_start_with_punctuation_and_contain_no_slash(string suffix)
    {
        using var tree = EnterNew();

        var e = Assert.Throws<ArgumentException>(() => tree.NewTemporaryPath(suffix, isDirectory: false));

        Assert.StartsWith($"non-empty 'suffix' must start with a punctuation character and not contain '/', not '{suffix}'", e.Message);
    }

    [Fact]
    public void The_working_tree_time_advances_on_a_real_file_system()
    {
        using var tree = EnterNew();
        var t = tree.WorkingTreeTimeNs();

        tree.WaitForWorkingTreeTimeToAdvance(t, TimeProvider.System, TimeSpan.FromSeconds(30));

        Assert.NotEqual(t, tree.WorkingTreeTimeNs());
    }

    [Fact]
    public void Waiting_returns_when_the_logical_clock_advances()
    {
        var fs = new InMemoryFileSystem();
        fs.AddDirectory("/w/.kiln/");
        using var tree = Enter(fs, "/w/");
        var t = tree.WorkingTreeTimeNs();
        var touches = 0;
        fs.ProbeTouched = _ =>
        {
            if (++touches == 3)
                fs.Tick();
        };

        tree.WaitForWorkingTreeTimeToAdvance(t, new FakeTimeProvider(), TimeSpan.FromSeconds(10));

        Assert.Equal(4, touches); // the third touch still returned the old time
    }

    [Fact]
    public void Waiting_fails_when_the_working_tree_time_does_not_advance_within_the_limit()
    {
        var fs = new InMemoryFileSystem();
        fs.AddDirectory("/w/.kiln/");
        using var tree = Enter(fs, "/w/");
        var time = new FakeTimeProvider();
        var touches = 0;
        fs.ProbeTouched = _ =>
        {
            touches++;
            time.Advance(TimeSpan.FromSeconds(1));
        };

        var e = Assert.Throws<ManagementTreeException>(() => tree.WaitForWorkingTreeTimeToAdvance(fs.NowNs, time, TimeSpan.FromSeconds(10)));

        Assert.Equal(
            "failed to cleanup management tree for '/w/'\n" +
            "  | reason: working tree time did not change for at least 10 s of system time\n" +
            "  | was the system time adjusted in this moment? does the file system update mtimes?",
            e.Message);
        Assert.Equal(11, touches);
    }

    [Fact]
    public async Task Waiting_to_pass_a_time_returns_the_first_working_tree_time_after_it()
    {
        var fs = new InMemoryFileSystem();
        fs.AddDirectory("/w/.kiln/");
        using var tree = Enter(fs, "/w/");
        var t = tree.WorkingTreeTimeNs();
        var touches = 0;
        fs.ProbeTouched = _ =>
        {
            if (++touches == 3)
                fs.Tick();
        };

        var passed = await tree.WaitForWorkingTreeTimeToPassAsync(t, new FakeTimeProvider(), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken);

        Assert.True(passed > t);
        Assert.Equal(4, touches); // the third touch still returned the old time
        Assert.Equal(passed, await tree.WaitForWorkingTreeTimeToPassAsync(t - 1, new FakeTimeProvider(), TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Waiting_to_pass_a_time_fails_when_the_working_tree_time_does_not_advance_within_the_limit()
    {
        var fs = new InMemoryFileSystem();
        fs.AddDirectory("/w/.kiln/");
        using var tree = Enter(fs, "/w/");
        var time = new FakeTimeProvider();
        fs.ProbeTouched = _ => time.Advance(TimeSpan.FromSeconds(1));

        var e = await Assert.ThrowsAsync<ManagementTreeException>(() => tree.WaitForWorkingTreeTimeToPassAsync(fs.NowNs, time, TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));

        Assert.Equal(
            "working tree time of '/w/' did not pass the mtime of an input dependency\n" +
            "  | reason: working tree time did not change for at least 10 s of system time\n" +
            "  | was the system time adjusted in this moment? does the file system update mtimes?",
            e.Message);
    }

    [Fact]
    public void A_lock_held_on_the_fake_file_system_is_reported_without_a_pid()
    {
        var fs = new InMemoryFileSystem();
        fs.AddDirectory("/w/.kiln/");
        using var tree = Enter(fs, "/w");

        var e = Assert.Throws<ManagementTreeException>(() => Enter(fs, "/w"));

        Assert.Equal("  | reason: '/w/.kiln/lock' is locked by another kiln process", e.Message.Split('\n')[1]);
        Assert.True(fs.IsLocked("/w/.kiln/lock"));
    }

    /// <summary>The real file system, except that the probe cannot be written.</summary>
    private sealed class FailingProbeFileSystem : IFileSystem
    {
        private readonly PosixFileSystem _real = PosixFileSystem.Instance;

        public bool IsReal => true;

        public FileMemo Lstat(string path) => _real.Lstat(path);

        public void CreateDirectory(string path) => _real.CreateDirectory(path);

        public void Delete(string path) => _real.Delete(path);

        public void Rename(string source, string destination) => _real.Rename(source, destination);

        public void CreateNewFile(string path) => _real.CreateNewFile(path);

        public bool ContentEquals(string path, string otherPath) => _real.ContentEquals(path, otherPath);

        public IReadOnlyList<string> List(string path) => _real.List(path);

        public byte[] ReadAllBytes(string path) => _real.ReadAllBytes(path);

        public void WriteAllBytes(string path, byte[] content) => _real.WriteAllBytes(path, content);

        public long TouchProbe(string path) => throw new IOException("probe failed\nsecond line");

        public IDisposable? TryLock(string path) => _real.TryLock(path);
    }
}
