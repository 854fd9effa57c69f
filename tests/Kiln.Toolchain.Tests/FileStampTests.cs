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
    public void Writing_a_file_in_place_advances_its_change_time()
    {
        using var dir = new TempDirectory();
        var f = dir.File("x", "abc");
        var before = FileStamp.Of(f);
        Assert.True(before.ChangedNanoseconds > 0);
        Thread.Sleep(20);
        using (var s = new FileStream(f, FileMode.Open, FileAccess.Write))
            s.Write("z"u8);
        var after = FileStamp.Of(f);
        Assert.Equal(before.Inode, after.Inode);
        Assert.True(after.ChangedNanoseconds > before.ChangedNanoseconds);
    }

    [Fact]
    public void A_missing_file_raises_file_not_found()
    {
        Assert.Throws<FileNotFoundException>(() => FileStamp.Of("/nonexistent/kiln/x"));
    }
}
