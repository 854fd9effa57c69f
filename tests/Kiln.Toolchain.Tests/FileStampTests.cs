namespace Kiln.Toolchain.Tests;

public sealed class FileStampTests
{
    [Fact]
    public void A_stamp_carries_inode_size_and_mtime()
    {
        using var dir = new TempDirectory();
        var f = dir.File("x", "abc");
        var s = FileStamp.Of(f);
        Assert.NotEqual(0UL, s.Inode);
        Assert.Equal(3, s.Size);
        Assert.True(s.ModifiedNanoseconds > 0);
    }

    [Fact]
    public void Replacing_a_file_changes_its_stamp()
    {
        using var dir = new TempDirectory();
        var f = dir.File("x", "abc");
        var before = FileStamp.Of(f);
        var g = dir.File("y", "abcd");
        File.Move(g, f, overwrite: true);
        Assert.NotEqual(before, FileStamp.Of(f));
    }

    [Fact]
    public void A_missing_file_raises_file_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => FileStamp.Of("/nonexistent/kiln/x"));
    }
}
