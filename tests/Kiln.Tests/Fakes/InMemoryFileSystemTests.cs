using Kiln.Paths;
using Kiln.WorkingTree;

namespace Kiln.Tests.Fakes;

/// <summary>The in-memory file system behaves as the real one where the engine looks, with a logical clock.</summary>
public sealed class InMemoryFileSystemTests
{
    private readonly InMemoryFileSystem _fs = new();

    [Fact]
    public void A_written_file_gets_the_clock_time_as_mtime_and_only_Tick_moves_the_clock()
    {
        _fs.AddFile("/w/a", "abc");
        var first = _fs.Lstat("/w/a");
        _fs.WriteAllBytes("/w/a", [1, 2]);
        var unchanged = _fs.Lstat("/w/a");
        var now = _fs.Tick();
        _fs.WriteAllBytes("/w/a", [1, 2]);

        Assert.Equal(FileKind.RegularFile, first.Kind);
        Assert.Equal(3, first.Size);
        Assert.Equal(first.MtimeNs, unchanged.MtimeNs);
        Assert.Equal(2, unchanged.Size);
        Assert.Equal(now, _fs.Lstat("/w/a").MtimeNs);
        Assert.True(now > first.MtimeNs);
    }

    [Fact]
    public void Lstat_reports_directories_symbolic_links_fifos_and_missing_objects()
    {
        _fs.AddDirectory("/w/d/");
        _fs.AddSymlink("/w/l", "d");
        _fs.AddFifo("/w/f");

        Assert.Equal(FileKind.Directory, _fs.Lstat("/w/d").Kind);
        var link = _fs.Lstat("/w/l");
        Assert.Equal(FileKind.SymbolicLink, link.Kind);
        Assert.Equal("d", link.SymlinkTarget);
        Assert.Equal(FileKind.Other, _fs.Lstat("/w/f").Kind);
        Assert.Equal(FileMemo.Missing, _fs.Lstat("/w/x"));
        Assert.Equal(FileMemo.Missing, _fs.Lstat("/w/f/x"));
    }

    [Fact]
    public void Symbolic_links_are_followed_in_parent_components_but_not_in_the_last()
    {
        _fs.AddFile("/w/d/a", "1");
        _fs.AddSymlink("/w/l", "d");
        _fs.AddSymlink("/w/up", "../w/d/");

        Assert.Equal(FileKind.RegularFile, _fs.Lstat("/w/l/a").Kind);
        Assert.Equal("1", _fs.ReadText("/w/up/a"));
        Assert.Equal(FileKind.SymbolicLink, _fs.Lstat("/w/up").Kind);
        Assert.Equal("1", _fs.ReadText("/w/l/../d/a"));
    }

    [Fact]
    public void Adding_or_removing_an_entry_sets_the_directory_mtime()
    {
        _fs.AddDirectory("/w");
        var created = _fs.Lstat("/w").MtimeNs;
        var t1 = _fs.Tick();
        _fs.CreateNewFile("/w/a");
        var afterCreate = _fs.Lstat("/w").MtimeNs;
        var t2 = _fs.Tick();
        _fs.Delete("/w/a");

        Assert.True(created < t1);
        Assert.Equal(t1, afterCreate);
        Assert.Equal(t2, _fs.Lstat("/w").MtimeNs);
    }

    [Fact]
    public void Rename_replaces_a_file_and_keeps_the_moved_objects_mtime()
    {
        _fs.AddFile("/w/new", "new");
        var written = _fs.Lstat("/w/new").MtimeNs;
        _fs.Tick();
        _fs.AddFile("/w/old", "old");

        _fs.Rename("/w/new", "/w/old");

        Assert.False(_fs.Exists("/w/new"));
        Assert.Equal("new", _fs.ReadText("/w/old"));
        Assert.Equal(written, _fs.Lstat("/w/old").MtimeNs);
    }

    [Fact]
    public void Rename_moves_a_directory_with_its_content_but_not_onto_a_non_empty_directory()
    {
        _fs.AddFile("/w/d/e/a", "1");
        _fs.AddFile("/w/full/x");

        _fs.Rename("/w/d", "/w/m");

        Assert.Equal("1", _fs.ReadText("/w/m/e/a"));
        Assert.False(_fs.Exists("/w/d/e/a"));
        Assert.Throws<IOException>(() => _fs.Rename("/w/m", "/w/full"));
        Assert.Throws<IOException>(() => _fs.Rename("/w/full/x", "/w/m"));
        Assert.Throws<FileNotFoundException>(() => _fs.Rename("/w/nothing", "/w/z"));
    }

    [Fact]
    public void Delete_removes_a_directory_tree_and_a_symbolic_link_but_not_its_target()
    {
        _fs.AddFile("/w/d/e/a");
        _fs.AddFile("/w/t/b");
        _fs.AddSymlink("/w/l", "/w/t");

        _fs.Delete("/w/d");
        _fs.Delete("/w/l");
        _fs.Delete("/w/missing");

        Assert.Equal(["t"], _fs.List("/w"));
        Assert.True(_fs.Exists("/w/t/b"));
    }

    [Fact]
    public void CreateNewFile_fails_when_the_file_exists_or_the_directory_is_missing()
    {
        _fs.AddFile("/w/a");

        Assert.Throws<IOException>(() => _fs.CreateNewFile("/w/a"));
        Assert.Throws<DirectoryNotFoundException>(() => _fs.CreateNewFile("/w/x/a"));
    }

    [Fact]
    public void ContentEquals_compares_bytes()
    {
        _fs.AddFile("/w/a", "same");
        _fs.AddFile("/w/b", "same");
        _fs.AddFile("/w/c", "other");

        Assert.True(_fs.ContentEquals("/w/a", "/w/b"));
        Assert.False(_fs.ContentEquals("/w/a", "/w/c"));
    }

    [Fact]
    public void TouchProbe_returns_the_clock_time_which_stays_constant_until_a_tick()
    {
        _fs.AddDirectory("/w");
        var touched = new List<string>();
        _fs.ProbeTouched = touched.Add;

        var first = _fs.TouchProbe("/w/o");
        var second = _fs.TouchProbe("/w/o");
        var now = _fs.Tick();
        var third = _fs.TouchProbe("/w/o");

        Assert.Equal(first, second);
        Assert.Equal(now, third);
        Assert.Equal("0", _fs.ReadText("/w/o"));
        Assert.Equal(["/w/o", "/w/o", "/w/o"], touched);
    }

    [Fact]
    public void A_lock_is_not_granted_twice_until_it_is_disposed()
    {
        _fs.AddDirectory("/w");

        var held = _fs.TryLock("/w/lock");
        var second = _fs.TryLock("/w/lock");
        Assert.NotNull(held);
        Assert.Null(second);
        Assert.True(_fs.IsLocked("/w/lock"));
        Assert.Equal(FileKind.RegularFile, _fs.Lstat("/w/lock").Kind);

        held.Dispose();
        using var again = _fs.TryLock("/w/lock");

        Assert.NotNull(again);
    }

    [Fact]
    public void Relative_paths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => _fs.Lstat("a/b"));
    }
}

/// <summary>
/// The same scenarios on the fake and on the real file system (<see cref="PosixFileSystem"/> in a temporary
/// directory) must succeed or fail alike and leave the same tree, so that tests on the fake mean something.
/// </summary>
public sealed class InMemoryFileSystemContractTests
{
    private delegate void Scenario(IFileSystem fs, string root, Action<string, string> symlink, List<string> log);

    private static readonly Dictionary<string, Scenario> Scenarios = new()
    {
        ["rename a file onto a file"] = (fs, r, _, log) =>
        {
            fs.WriteAllBytes(r + "a", "new"u8.ToArray());
            fs.WriteAllBytes(r + "b", "old"u8.ToArray());
            Try(log, "rename", () => fs.Rename(r + "a", r + "b"));
        },
        ["rename a directory onto a non-empty directory"] = (fs, r, _, log) =>
        {
            fs.CreateDirectory(r + "d/x");
            fs.CreateDirectory(r + "e/y");
            Try(log, "rename", () => fs.Rename(r + "d", r + "e"));
        },
        ["rename a directory onto an empty directory"] = (fs, r, _, log) =>
        {
            fs.CreateDirectory(r + "d/x");
            fs.CreateDirectory(r + "e");
            Try(log, "rename", () => fs.Rename(r + "d", r + "e"));
        },
        ["rename a file onto a directory and back"] = (fs, r, _, log) =>
        {
            fs.WriteAllBytes(r + "a", []);
            fs.CreateDirectory(r + "d");
            Try(log, "file onto directory", () => fs.Rename(r + "a", r + "d"));
            Try(log, "directory onto file", () => fs.Rename(r + "d", r + "a"));
            Try(log, "missing source", () => fs.Rename(r + "nothing", r + "x"));
            Try(log, "missing destination directory", () => fs.Rename(r + "a", r + "x/a"));
        },
        ["delete a link to a directory and a tree"] = (fs, r, symlink, log) =>
        {
            fs.CreateDirectory(r + "t/e");
            fs.WriteAllBytes(r + "t/e/f", "f"u8.ToArray());
            symlink(r + "l", "t");
            Try(log, "delete link", () => fs.Delete(r + "l"));
            Try(log, "delete missing", () => fs.Delete(r + "nothing"));
            fs.CreateDirectory(r + "d/e");
            fs.WriteAllBytes(r + "d/e/f", []);
            Try(log, "delete tree", () => fs.Delete(r + "d"));
        },
        ["create files"] = (fs, r, _, log) =>
        {
            Try(log, "new", () => fs.CreateNewFile(r + "a"));
            Try(log, "new again", () => fs.CreateNewFile(r + "a"));
            Try(log, "new in a missing directory", () => fs.CreateNewFile(r + "x/a"));
            Try(log, "write into a directory", () => fs.WriteAllBytes(r, []));
            Try(log, "read a missing file", () => fs.ReadAllBytes(r + "nothing"));
        },
        ["create directories"] = (fs, r, symlink, log) =>
        {
            fs.WriteAllBytes(r + "a", []);
            fs.CreateDirectory(r + "d");
            symlink(r + "l", "d");
            Try(log, "over a file", () => fs.CreateDirectory(r + "a"));
            Try(log, "below a file", () => fs.CreateDirectory(r + "a/b"));
            Try(log, "through a link", () => fs.CreateDirectory(r + "l/e/f"));
            Try(log, "existing", () => fs.CreateDirectory(r + "d"));
        },
        ["lstat through links"] = (fs, r, symlink, log) =>
        {
            fs.CreateDirectory(r + "d");
            fs.WriteAllBytes(r + "d/f", "12345"u8.ToArray());
            symlink(r + "l", "d");
            symlink(r + "abs", r + "d/f");
            symlink(r + "dangling", "nothing");
            foreach (var p in new[] { "l/f", "l", "l/", "abs", "dangling", "dangling/x", "d/f/x", "nothing/x", "l/../d/f" })
            {
                var memo = fs.Lstat(r + p);
                log.Add($"lstat {p}: {memo.Kind} {(memo.Kind == FileKind.RegularFile ? memo.Size.ToString(System.Globalization.CultureInfo.InvariantCulture) : "")} {memo.SymlinkTarget?.Replace(r, "<root>/", StringComparison.Ordinal)}");
            }
        },
        ["touch the probe"] = (fs, r, _, log) =>
        {
            Try(log, "create", () => fs.TouchProbe(r + "o"));
            fs.WriteAllBytes(r + "p", "abc"u8.ToArray());
            Try(log, "existing", () => fs.TouchProbe(r + "p"));
            fs.CreateDirectory(r + "d");
            Try(log, "directory", () => fs.TouchProbe(r + "d"));
        },
        ["compare contents"] = (fs, r, _, log) =>
        {
            fs.WriteAllBytes(r + "a", "abc"u8.ToArray());
            fs.WriteAllBytes(r + "b", "abc"u8.ToArray());
            fs.WriteAllBytes(r + "c", "abd"u8.ToArray());
            log.Add($"a=b {fs.ContentEquals(r + "a", r + "b")}, a=c {fs.ContentEquals(r + "a", r + "c")}");
        },
        ["lock"] = (fs, r, _, log) => // the lock file holds the pid, and both fake and real run in this process
        {
            using (var held = fs.TryLock(r + "lock"))
            {
                log.Add($"first {held is not null}, second {fs.TryLock(r + "lock") is not null}");
            }
            using (var again = fs.TryLock(r + "lock"))
                log.Add($"after release {again is not null}");
            fs.CreateDirectory(r + "d");
            Try(log, "lock a directory", () => fs.TryLock(r + "d")?.Dispose());
        },
    };

    public static TheoryData<string> ScenarioNames() => [.. Scenarios.Keys];

    private static void Try(List<string> log, string what, Action action)
    {
        try
        {
            action();
            log.Add($"{what}: ok");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Add($"{what}: fails");
        }
    }

    private static void Snapshot(IFileSystem fs, Func<string, IEnumerable<string>> list, string directory, string shown, List<string> log)
    {
        foreach (var name in list(directory).Order(StringComparer.Ordinal))
        {
            var memo = fs.Lstat(directory + name);
            switch (memo.Kind)
            {
                case FileKind.Directory:
                    log.Add($"{shown}{name}/");
                    Snapshot(fs, list, directory + name + "/", shown + name + "/", log);
                    break;
                case FileKind.RegularFile:
                    log.Add($"{shown}{name} = '{System.Text.Encoding.UTF8.GetString(fs.ReadAllBytes(directory + name))}'");
                    break;
                default:
                    log.Add($"{shown}{name} {memo.Kind} {memo.SymlinkTarget}");
                    break;
            }
        }
    }

    private static List<string> RunOnFake(Scenario scenario)
    {
        var fs = new InMemoryFileSystem();
        fs.AddDirectory("/w/");
        var log = new List<string>();
        scenario(fs, "/w/", fs.AddSymlink, log);
        log.Add("--- tree");
        Snapshot(fs, fs.List, "/w/", "", log);
        return [.. log.Select(l => l.Replace("/w/", "<root>/", StringComparison.Ordinal))];
    }

    private static List<string> RunOnReal(Scenario scenario)
    {
        using var directory = new WorkingTree.TemporaryDirectory();
        var root = directory.Path;
        var log = new List<string>();
        scenario(PosixFileSystem.Instance, root, (path, target) => File.CreateSymbolicLink(path, target), log);
        log.Add("--- tree");
        Snapshot(PosixFileSystem.Instance, d => Directory.GetFileSystemEntries(d).Select(e => Path.GetFileName(e)), root, "", log);
        return [.. log.Select(l => l.Replace(root, "<root>/", StringComparison.Ordinal))];
    }

    [Theory]
    [MemberData(nameof(ScenarioNames))]
    public void The_fake_behaves_as_the_real_file_system(string scenario)
    {
        Assert.Equal(RunOnReal(Scenarios[scenario]), RunOnFake(Scenarios[scenario]));
    }
}
