using System.Diagnostics;
using Kiln.Paths;
using Kiln.WorkingTree;

namespace Kiln.Tests.WorkingTree;

/// <summary>The real file system: <c>lstat</c> through libc with nanosecond mtimes, atomic rename, deletion.</summary>
public sealed class PosixFileSystemTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();
    private readonly PosixFileSystem _fs = PosixFileSystem.Instance;

    private string P(string relative) => _directory.Path + relative;

    public void Dispose() => _directory.Dispose();

    private static string Run(string fileName, params string[] arguments)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Trim();
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void Lstat_of_a_regular_file_reports_size_mtime_in_ns_mode_and_owner()
    {
        File.WriteAllText(P("a"), "hello");
        var mtime = new DateTime(2021, 2, 3, 4, 5, 6, DateTimeKind.Utc).AddTicks(1_234_567);
        File.SetLastWriteTimeUtc(P("a"), mtime);
        File.SetUnixFileMode(P("a"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.SetGroup);

        var memo = _fs.Lstat(P("a"));

        Assert.Equal(FileKind.RegularFile, memo.Kind);
        Assert.Equal(5, memo.Size);
        Assert.Equal((mtime - DateTime.UnixEpoch).Ticks * 100, memo.MtimeNs);
        Assert.Equal(0x5A0u, memo.Mode); // 02640
        Assert.Equal(Run("stat", "-c", "%u:%g", P("a")), $"{memo.Uid}:{memo.Gid}");
        Assert.Null(memo.SymlinkTarget);
    }

    [Fact]
    public void Lstat_of_a_directory_reports_a_directory()
    {
        Directory.CreateDirectory(P("d"));

        Assert.Equal(FileKind.Directory, _fs.Lstat(P("d")).Kind);
        Assert.Equal(FileKind.Directory, _fs.Lstat(P("d/")).Kind);
    }

    [Fact]
    public void Lstat_of_a_symbolic_link_reports_the_link_and_its_target()
    {
        File.WriteAllText(P("a"), "hello");
        File.CreateSymbolicLink(P("l"), "a");
        File.CreateSymbolicLink(P("dangling"), "../nothing/x");

        var link = _fs.Lstat(P("l"));
        var dangling = _fs.Lstat(P("dangling"));

        Assert.Equal(FileKind.SymbolicLink, link.Kind);
        Assert.Equal("a", link.SymlinkTarget);
        Assert.Equal(1, link.Size);
        Assert.Equal(FileKind.SymbolicLink, dangling.Kind);
        Assert.Equal("../nothing/x", dangling.SymlinkTarget);
    }

    [Fact]
    public void Lstat_of_a_fifo_reports_other()
    {
        Run("mkfifo", P("f"));

        Assert.Equal(FileKind.Other, _fs.Lstat(P("f")).Kind);
    }

    [Fact]
    public void Lstat_of_a_missing_object_is_missing_also_below_a_file()
    {
        File.WriteAllText(P("a"), "");

        Assert.Equal(FileMemo.Missing, _fs.Lstat(P("nothing")));
        Assert.Equal(FileMemo.Missing, _fs.Lstat(P("nothing/a")));
        Assert.Equal(FileMemo.Missing, _fs.Lstat(P("a/b")));
    }

    [Fact]
    public void Lstat_fails_for_other_errors()
    {
        var e = Assert.Throws<IOException>(() => _fs.Lstat(P(new string('x', 300))));

        Assert.Contains("xxx'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Rename_replaces_an_existing_file()
    {
        File.WriteAllText(P("new"), "new");
        File.WriteAllText(P("old"), "old");

        _fs.Rename(P("new"), P("old"));

        Assert.False(File.Exists(P("new")));
        Assert.Equal("new", File.ReadAllText(P("old")));
    }

    [Fact]
    public void Rename_replaces_an_empty_directory_but_not_a_non_empty_one()
    {
        Directory.CreateDirectory(P("d/sub"));
        Directory.CreateDirectory(P("empty"));
        Directory.CreateDirectory(P("full/x"));

        _fs.Rename(P("d"), P("empty"));
        var e = Assert.Throws<IOException>(() => _fs.Rename(P("empty"), P("full")));

        Assert.True(Directory.Exists(P("empty/sub")));
        Assert.StartsWith($"cannot rename '{P("empty")}' to '{P("full")}': ", e.Message);
    }

    [Fact]
    public void Rename_of_a_missing_source_fails()
    {
        Assert.Throws<IOException>(() => _fs.Rename(P("nothing"), P("x")));
    }

    [Fact]
    public void Delete_removes_a_file_a_directory_tree_and_a_link_but_not_its_target()
    {
        File.WriteAllText(P("a"), "");
        Directory.CreateDirectory(P("d/e"));
        File.WriteAllText(P("d/e/f"), "");
        Directory.CreateDirectory(P("t"));
        File.WriteAllText(P("t/kept"), "");
        Directory.CreateSymbolicLink(P("l"), P("t"));

        _fs.Delete(P("a"));
        _fs.Delete(P("d"));
        _fs.Delete(P("l"));
        _fs.Delete(P("nothing"));

        Assert.Equal([P("t")], Directory.GetFileSystemEntries(_directory.Path).Select(e => e));
        Assert.True(File.Exists(P("t/kept")));
    }

    [Fact]
    public void CreateNewFile_creates_an_empty_file_and_fails_if_one_exists()
    {
        _fs.CreateNewFile(P("a"));

        Assert.Equal(0, _fs.Lstat(P("a")).Size);
        Assert.Throws<IOException>(() => _fs.CreateNewFile(P("a")));
    }

    [Fact]
    public void ContentEquals_compares_the_bytes()
    {
        var big = new byte[200_000];
        File.WriteAllBytes(P("a"), big);
        File.WriteAllBytes(P("b"), big);
        big[^1] = 1;
        File.WriteAllBytes(P("c"), big);
        File.WriteAllBytes(P("d"), big[..^1]);

        Assert.True(_fs.ContentEquals(P("a"), P("b")));
        Assert.False(_fs.ContentEquals(P("a"), P("c")));
        Assert.False(_fs.ContentEquals(P("c"), P("d")));
    }

    [Fact]
    public void Bytes_written_are_read_back()
    {
        _fs.WriteAllBytes(P("a"), [1, 2, 3]);

        Assert.Equal([1, 2, 3], _fs.ReadAllBytes(P("a")));
    }

    [Fact]
    public void TouchProbe_creates_the_probe_and_returns_its_mtime()
    {
        var t = _fs.TouchProbe(P("o"));

        Assert.Equal(_fs.Lstat(P("o")).MtimeNs, t);
        Assert.Equal("0", File.ReadAllText(P("o")));
    }

    [Fact]
    public void TryLock_takes_an_exclusive_lock()
    {
        using var held = _fs.TryLock(P("lock"));

        Assert.NotNull(held);
        Assert.Null(_fs.TryLock(P("lock")));
    }
}
