using System.Diagnostics;
using System.Globalization;
using Kiln.Platform.Posix;

namespace Kiln.Platform.Tests;

/// <summary>The one struct-stat decoder against what coreutils' <c>stat</c> reads of the same file.</summary>
public sealed class FileStatusTests : IDisposable
{
    private readonly TemporaryDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    private static string[] CoreutilsStat(string path, bool follow)
    {
        var start = new ProcessStartInfo("stat") { RedirectStandardOutput = true };
        if (follow)
            start.ArgumentList.Add("-L");
        start.ArgumentList.Add("-c");
        start.ArgumentList.Add("%d %i %f %u %g %s %.9Y %.9Z");
        start.ArgumentList.Add(path);
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return output.Trim().Split(' ');
    }

    private static long Nanoseconds(string secondsDotNanoseconds)
    {
        var parts = secondsDotNanoseconds.Split('.');
        return (long.Parse(parts[0], CultureInfo.InvariantCulture) * 1_000_000_000L) + long.Parse(parts[1], CultureInfo.InvariantCulture);
    }

    private static void AssertMatches(string[] expected, FileStatus status)
    {
        Assert.Equal(ulong.Parse(expected[0], CultureInfo.InvariantCulture), status.Device);
        Assert.Equal(ulong.Parse(expected[1], CultureInfo.InvariantCulture), status.Inode);
        Assert.Equal(uint.Parse(expected[2], NumberStyles.HexNumber, CultureInfo.InvariantCulture), status.Mode);
        Assert.Equal(uint.Parse(expected[3], CultureInfo.InvariantCulture), status.Uid);
        Assert.Equal(uint.Parse(expected[4], CultureInfo.InvariantCulture), status.Gid);
        Assert.Equal(long.Parse(expected[5], CultureInfo.InvariantCulture), status.Size);
        Assert.Equal(Nanoseconds(expected[6]), status.ModifiedNanoseconds);
        Assert.Equal(Nanoseconds(expected[7]), status.ChangedNanoseconds);
    }

    [Fact]
    public void Stat_of_a_file_matches_coreutils_stat()
    {
        var file = _dir.File("data");
        File.WriteAllText(file, "twelve bytes");
        File.SetLastWriteTimeUtc(file, new DateTime(2021, 3, 4, 5, 6, 7, 891, DateTimeKind.Utc));

        Assert.Equal(0, FileStatus.TryStat(file, out var status));

        AssertMatches(CoreutilsStat(file, follow: true), status);
        Assert.Equal(FileStatus.RegularType, status.Mode & FileStatus.TypeMask);
        Assert.Equal(12, status.Size);
    }

    [Fact]
    public void Lstat_of_a_symbolic_link_describes_the_link_and_stat_its_target()
    {
        var target = _dir.File("target");
        File.WriteAllText(target, "x");
        var link = _dir.File("link");
        File.CreateSymbolicLink(link, target);

        Assert.Equal(0, FileStatus.TryLstat(link, out var linkStatus));
        Assert.Equal(0, FileStatus.TryStat(link, out var targetStatus));

        AssertMatches(CoreutilsStat(link, follow: false), linkStatus);
        Assert.Equal(FileStatus.LinkType, linkStatus.Mode & FileStatus.TypeMask);
        AssertMatches(CoreutilsStat(link, follow: true), targetStatus);
    }

    [Fact]
    public void A_missing_path_gives_ENOENT_and_a_path_under_a_file_ENOTDIR()
    {
        var file = _dir.File("file");
        File.WriteAllText(file, "");

        Assert.Equal(Errno.ENOENT, FileStatus.TryLstat(_dir.File("none"), out _));
        Assert.Equal(Errno.ENOTDIR, FileStatus.TryStat(Path.Combine(file, "below"), out _));
    }

    [Fact]
    public void Directory_identity_is_the_device_and_inode_stat_reports()
    {
        var expected = CoreutilsStat(_dir.Path, follow: true);

        var identity = DirectoryIdentity.Of(_dir.Path);

        Assert.NotNull(identity);
        Assert.Equal(ulong.Parse(expected[1], CultureInfo.InvariantCulture), identity.Value.Inode);
        Assert.Null(DirectoryIdentity.Of(_dir.File("none")));
    }
}
