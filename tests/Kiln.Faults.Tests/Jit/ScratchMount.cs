using System.Diagnostics;

namespace Kiln.Faults.Tests.Jit;

/// <summary>
/// A real mount for a test: a size-limited tmpfs, or a directory bind-mounted read-only onto itself (so paths, and the
/// absolute dependency paths inside jitted libraries, stay the same). Needs mount rights (root with CAP_SYS_ADMIN):
/// <see cref="TryTmpfs"/> and <see cref="TryReadOnlyBind"/> return null with the reason when the machine does not
/// give them, so the test can skip. Dispose unmounts (lazily if busy) even when the test failed.
/// </summary>
internal sealed class ScratchMount : IDisposable
{
    private readonly bool _removeDirectory;
    private bool _mounted = true;

    private ScratchMount(string path, bool removeDirectory)
    {
        Path = path;
        _removeDirectory = removeDirectory;
    }

    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (a mount option, e.g. <c>256k</c>) on a new directory under /tmp.</summary>
    public static ScratchMount? TryTmpfs(string size, out string whyNot)
    {
        var dir = Directory.CreateTempSubdirectory("kiln-faults-mnt-").FullName;
        var r = Run("mount", "-t", "tmpfs", "-o", $"size={size},mode=0755", "tmpfs", dir);
        if (r.ExitCode != 0)
        {
            Directory.Delete(dir);
            whyNot = $"cannot mount a tmpfs (mount rights needed): {r.Error.Trim()}";
            return null;
        }
        whyNot = "";
        return new ScratchMount(dir, removeDirectory: true);
    }

    /// <summary>Makes <paramref name="directory"/> read-only in place: a bind mount onto itself, remounted read-only.</summary>
    public static ScratchMount? TryReadOnlyBind(string directory, out string whyNot)
    {
        var r = Run("mount", "--bind", directory, directory);
        if (r.ExitCode != 0)
        {
            whyNot = $"cannot bind-mount (mount rights needed): {r.Error.Trim()}";
            return null;
        }
        var mount = new ScratchMount(directory, removeDirectory: false);
        r = Run("mount", "-o", "remount,bind,ro", directory);
        if (r.ExitCode != 0)
        {
            mount.Dispose();
            whyNot = $"cannot remount read-only: {r.Error.Trim()}";
            return null;
        }
        whyNot = "";
        return mount;
    }

    /// <summary>Unmounts now (the directory stays); Dispose then only removes it.</summary>
    public void Unmount()
    {
        if (!_mounted)
            return;
        if (Run("umount", Path).ExitCode != 0)
            _ = Run("umount", "-l", Path);
        _mounted = false;
    }

    public void Dispose()
    {
        Unmount();
        if (_removeDirectory)
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    internal static (int ExitCode, string Output, string Error) Run(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        using var p = Process.Start(info)!;
        var output = p.StandardOutput.ReadToEndAsync();
        var error = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, output.Result, error.Result);
    }
}
