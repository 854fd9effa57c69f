using Kiln.Platform.Errors;
using Kiln.Platform.Posix;

namespace Kiln.Platform.Tests;

public sealed class DiskFullTests
{
    [Theory]
    [InlineData(Errno.ENOSPC, true)]
    [InlineData(Errno.EDQUOT, true)]
    [InlineData(Errno.ENOENT, false)]
    [InlineData(13, false)] // EACCES
    public void ENOSPC_and_EDQUOT_are_a_full_file_system(int errno, bool full) =>
        Assert.Equal(full, DiskFull.IsErrno(errno));

    [Theory]
    [InlineData("ld: final link failed: No space left on device", true)]
    [InlineData("write error: Disk quota exceeded\n", true)]
    [InlineData("error: no space left", false)]
    [InlineData("", false)]
    public void The_C_locale_texts_of_both_errnos_are_recognised(string text, bool full) =>
        Assert.Equal(full, DiskFull.IsIn(text));

    [Fact]
    public void The_recognised_texts_are_the_strerror_texts_of_the_two_errnos() =>
        Assert.All(new[] { Errno.ENOSPC, Errno.EDQUOT }, errno => Assert.True(DiskFull.IsIn(Errno.Message(errno))));

    [Fact]
    public void The_remedy_says_what_to_do_in_one_line()
    {
        Assert.DoesNotContain('\n', DiskFull.Remedy);
        Assert.Contains("free space", DiskFull.Remedy, StringComparison.Ordinal);
    }
}
