using System.Diagnostics;
using Kiln.Testing;

namespace Kiln.Contrib.Tests;

/// <summary>
/// A fresh working tree (a temporary directory with <c>.kiln/</c>), a captured diagnostic log, and a directory
/// beside it for fake helpers (outside the tree, so they are not tracked).
/// </summary>
public sealed class WorkingTree : TemporaryWorkingTree
{
    public WorkingTree()
        : base("kiln-contrib-")
    {
        HelperDirectory = Root + "-helpers";
        Directory.CreateDirectory(HelperDirectory);
    }

    public string HelperDirectory { get; }

    /// <summary>Enters and leaves a context, which waits until files written before have an mtime in the past.</summary>
    public void Settle()
    {
        using (Enter())
        {
        }
    }

    /// <summary>Runs a built program of the tree and returns its standard output.</summary>
    public string Run(string relative)
    {
        var info = new ProcessStartInfo(PathOf(relative)) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Root };
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"{relative} exited with {process.ExitCode}: {process.StandardError.ReadToEnd()}");
        return output;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        TryDelete(HelperDirectory);
    }
}
