using System.Diagnostics;

namespace Kiln.Faults.Tests.Build;

/// <summary>
/// A small file system made by <c>mkfs</c> in a sparse image file and loop-mounted at a unique directory under
/// <c>/tmp</c>; unmounted and removed on dispose (even when the test failed). Needs root with mount rights:
/// <see cref="TryCreate"/> gives null and the reason when that, the <c>mkfs</c> program or the kernel's support
/// for the file system is missing, so that the test can skip.
/// </summary>
internal sealed class LoopMount : IDisposable
{
    private readonly string _image;

    private LoopMount(string image, string path)
    {
        _image = image;
        Path = path;
    }

    /// <summary>The mount point.</summary>
    public string Path { get; }

    /// <summary>Makes and mounts a file system of <paramref name="megabytes"/> MiB with <paramref name="mkfs"/> and its arguments (the image path is appended).</summary>
    public static LoopMount? TryCreate(string mkfs, IEnumerable<string> mkfsArguments, int megabytes, out string reason)
    {
        var program = new[] { "/usr/sbin/", "/sbin/", "/usr/bin/" }.Select(d => d + mkfs).FirstOrDefault(File.Exists);
        if (program is null)
        {
            reason = $"{mkfs} is not installed";
            return null;
        }
        var unique = $"/tmp/kiln-faults-mount-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";
        var image = unique + ".img";
        var path = unique + ".d";
        using (var stream = File.Create(image))
            stream.SetLength(megabytes * 1024L * 1024L);
        Directory.CreateDirectory(path);
        var (made, mkfsOutput) = RunProgram(program, [.. mkfsArguments, image]);
        if (!made)
        {
            Cleanup(image, path, mounted: false);
            reason = $"{mkfs} failed: {mkfsOutput.Trim()}";
            return null;
        }
        var (mounted, mountOutput) = RunProgram("mount", ["-o", "loop", image, path]);
        if (!mounted)
        {
            Cleanup(image, path, mounted: false);
            reason = $"cannot loop-mount (root with mount rights and kernel support needed): {mountOutput.Trim()}";
            return null;
        }
        reason = "";
        return new LoopMount(image, path);
    }

    public void Dispose() => Cleanup(_image, Path, mounted: true);

    private static void Cleanup(string image, string path, bool mounted)
    {
        if (mounted && !RunProgram("umount", [path]).Ok)
            RunProgram("umount", ["-l", path]);
        try { Directory.Delete(path, recursive: false); } catch (IOException) { }
        File.Delete(image);
    }

    private static (bool Ok, string Output) RunProgram(string program, IEnumerable<string> arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in arguments)
            info.ArgumentList.Add(a);
        try
        {
            using var process = Process.Start(info)!;
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEnd();
            process.WaitForExit();
            return (process.ExitCode == 0, error + output.Result);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            return (false, e.Message);
        }
    }
}
