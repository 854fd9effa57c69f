using Kiln.WorkingTree;

namespace Kiln.Tests.WorkingTree;

/// <summary>The advice for a failed write is chosen by the errno that .NET and Kiln put into the exception.</summary>
public sealed class WriteFailureTests : IDisposable
{
    private readonly TemporaryDirectory _directory = new();

    public void Dispose() => _directory.Dispose();

    [Fact]
    public void A_full_disk_says_to_free_space()
    {
        Assert.Equal("the file system is full (or the quota is exhausted): free space on it and run again",
            WriteFailure.Advice(new IOException("No space left on device : '/w/a'", 28), "/w/"));
    }

    [Fact]
    public void A_read_only_file_system_says_to_remount_and_is_recognised()
    {
        var e = new IOException("Read-only file system", 30);
        Assert.Equal("the file system of '/w/' is mounted read-only: remount it writable and run again", WriteFailure.Advice(e, "/w/"));
        Assert.True(WriteFailure.IsReadOnlyFileSystem(e));
        Assert.False(WriteFailure.IsReadOnlyFileSystem(new IOException("x", 28)));
    }

    [Fact]
    public void Permission_denied_says_to_make_the_directory_writable()
    {
        Assert.Equal("permission denied: make '/w/' writable for this user (e.g. 'chmod u+w') and run again",
            WriteFailure.Advice(new UnauthorizedAccessException("Access to the path '/w/a' is denied."), "/w/"));
    }

    [Fact]
    public void Another_failure_says_to_check_the_file_system()
    {
        Assert.Equal("check the file system and run again", WriteFailure.Advice(new IOException("I/O error", 5), "/w/"));
    }

    [Fact]
    public void A_failed_rename_carries_its_errno()
    {
        var missing = _directory.Path + "missing";
        var e = Assert.Throws<IOException>(() => PosixFileSystem.Instance.Rename(missing, _directory.Path + "b"));
        Assert.Equal(2, e.HResult); // ENOENT
        Assert.Equal(
            $"could not replace x\n  | reason: cannot rename '{missing}' to '{_directory.Path}b': No such file or directory\n  | check the file system and run again",
            WriteFailure.Describe("could not replace x", e, _directory.Path));
    }
}
