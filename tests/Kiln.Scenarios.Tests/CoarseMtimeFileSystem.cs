using Kiln.Paths;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// The real file system seen with a coarse mtime resolution (1 s as ext3 or ext4 with 128-byte inodes, 2 s as FAT):
/// every mtime the engine reads — of inputs, outputs and the working-tree time probe — is truncated to a multiple of
/// <see cref="Resolution"/>, as those file systems store them. Everything else is the real file system.
/// </summary>
internal sealed class CoarseMtimeFileSystem(TimeSpan resolution) : RealFileSystemDecorator
{
    private readonly long _resolutionNs = resolution.Ticks * 100;

    public TimeSpan Resolution => resolution;

    public override FileMemo Lstat(string path)
    {
        var memo = Real.Lstat(path);
        return memo.Exists ? memo with { MtimeNs = Truncate(memo.MtimeNs) } : memo;
    }

    public override long TouchProbe(string path) => Truncate(Real.TouchProbe(path));

    /// <summary>
    /// Returns just after the coarse clock has ticked (probing <paramref name="probe"/>), so that what a test does
    /// next in a few milliseconds falls into one tick — the case coarse mtimes make hard.
    /// </summary>
    public void WaitForTickStart(string probe)
    {
        var start = TouchProbe(probe);
        while (TouchProbe(probe) == start)
            Thread.Sleep(1);
    }

    private long Truncate(long mtimeNs) => mtimeNs - (((mtimeNs % _resolutionNs) + _resolutionNs) % _resolutionNs);
}
