using System.Diagnostics;

namespace Kiln.Faults.Tests.Build;

/// <summary>
/// A size-limited tmpfs mounted at a fresh directory under /tmp, for tests of a full or read-only file system.
/// Needs mount rights (root, or CAP_SYS_ADMIN): <see cref="MountOrSkip"/> skips the test without them. Disposing
/// unmounts (lazily, should a child process still hold it) and removes the mount point, even after a failed test.
/// </summary>
/// <remarks>tmpfs allocates whole pages (4 KiB): free space is a multiple of the page size, a file of one byte
/// takes a page, and a rename over an existing file frees the old file's pages. Empty files and directories take
/// none (its inode limit is not reached by these tests).</remarks>
internal sealed class TmpfsMount : IDisposable
{
    private bool _mounted;

    private TmpfsMount(string path) => Path = path;

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>The filler file that <see cref="Fill"/> makes.</summary>
    public string FillerPath => System.IO.Path.Combine(Path, "filler");

    /// <summary>Mounts a tmpfs of <paramref name="bytes"/>; skips the test when this process may not mount.</summary>
    public static TmpfsMount MountOrSkip(long bytes)
    {
        if (!OperatingSystem.IsLinux())
            Assert.Skip("tmpfs mounts need Linux");
        var mount = new TmpfsMount(Directory.CreateTempSubdirectory("kiln-tmpfs-").FullName);
        var (status, error) = Command("mount", "-t", "tmpfs", "-o", $"size={bytes},mode=0755", "tmpfs", mount.Path);
        if (status != 0)
        {
            Directory.Delete(mount.Path);
            Assert.Skip($"cannot mount a tmpfs (needs root or CAP_SYS_ADMIN): {error.Trim().Split('\n')[0]}");
        }
        mount._mounted = true;
        return mount;
    }

    /// <summary>Free bytes for an unprivileged writer (statvfs f_bavail × f_bsize).</summary>
    public long FreeBytes => new DriveInfo(Path).AvailableFreeSpace;

    /// <summary>
    /// Allocates a filler file (fallocate, through .NET's preallocation) that leaves exactly
    /// <paramref name="freeBytes"/> (a multiple of 4096) free; an existing filler is replaced.
    /// </summary>
    public void Fill(long freeBytes)
    {
        RemoveFiller();
        var size = FreeBytes - freeBytes;
        Assert.True(size > 0, $"only {FreeBytes} bytes free, cannot leave {freeBytes}");
        using (File.OpenHandle(FillerPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, FileOptions.None, preallocationSize: size))
        {
        }
        Assert.Equal(freeBytes, FreeBytes);
    }

    public void RemoveFiller() => File.Delete(FillerPath);

    public void RemountReadOnly() => Remount("ro");

    public void RemountWritable() => Remount("rw");

    private void Remount(string mode)
    {
        var (status, error) = Command("mount", "-o", $"remount,{mode}", Path);
        Assert.True(status == 0, $"mount -o remount,{mode} {Path}: {error}");
    }

    public void Dispose()
    {
        if (_mounted)
        {
            // Lazy: a kiln or compiler child that outlived a failed test must not keep the mount (and the test run) alive.
            Command("umount", "-l", Path);
            _mounted = false;
        }
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A busy mount point is left for the system's /tmp cleaning.
        }
    }

    private static (int Status, string Error) Command(string program, params string[] args)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(info)!;
            var error = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode, error.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (-1, e.Message);
        }
    }
}
