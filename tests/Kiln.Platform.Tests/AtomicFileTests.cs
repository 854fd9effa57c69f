using Kiln.Platform.Files;

namespace Kiln.Platform.Tests;

public sealed class AtomicFileTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Write_replaces_the_file_and_leaves_no_temporary()
    {
        var path = _dir.File("f.txt");
        File.WriteAllText(path, "old");

        AtomicFile.Write(path, "new ✓");

        Assert.Equal("new ✓", File.ReadAllText(path));
        Assert.Equal(["f.txt"], Directory.GetFiles(_dir.Path).Select(Path.GetFileName));
    }

    [Fact]
    public void A_reader_holding_the_old_file_keeps_reading_the_old_content()
    {
        var path = _dir.File("g.txt");
        File.WriteAllText(path, "old");
        using var reader = new StreamReader(path);

        AtomicFile.Write(path, "new"u8);

        Assert.Equal("old", reader.ReadToEnd()); // rename(2) replaced the name, not the inode being read
        Assert.Equal("new", File.ReadAllText(path));
    }

    [Fact]
    public void The_rename_hooks_see_the_destination_before_and_after_the_rename()
    {
        var path = _dir.File("h.txt");
        var seen = new List<string>();

        AtomicFile.Write(path, "x"u8, beforeRename: p => seen.Add("before " + File.Exists(p)), afterRename: p => seen.Add("after " + File.Exists(p)));

        Assert.Equal(["before False", "after True"], seen);
    }

    [Fact]
    public void A_failed_rename_removes_the_temporary_and_keeps_the_old_file()
    {
        var path = _dir.File("d");
        Directory.CreateDirectory(Path.Combine(path, "not-empty"));

        var e = Assert.Throws<IOException>(() => AtomicFile.Write(path, "x"u8));

        Assert.Contains("rename", e.Message, StringComparison.Ordinal);
        Assert.True(Directory.Exists(Path.Combine(path, "not-empty")));
        Assert.Equal([], Directory.GetFiles(_dir.Path));
    }

    [Fact]
    public void A_failed_write_leaves_no_temporary()
    {
        var path = Path.Combine(_dir.File("missing"), "f.txt");

        Assert.ThrowsAny<IOException>(() => AtomicFile.Write(path, "x"u8));

        Assert.False(File.Exists(AtomicFile.TemporaryFor(path)));
    }
}
