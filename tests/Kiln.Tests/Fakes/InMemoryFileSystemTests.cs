using Kiln.Paths;

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
