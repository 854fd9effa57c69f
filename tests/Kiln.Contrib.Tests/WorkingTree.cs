using System.Diagnostics;
using Kiln.Diagnostics;

namespace Kiln.Contrib.Tests;

/// <summary>
/// A fresh working tree (a temporary directory with <c>.kiln/</c>), a captured diagnostic log, and a directory
/// beside it for fake helpers (outside the tree, so they are not tracked).
/// </summary>
public sealed class WorkingTree : IDisposable
{
    public WorkingTree()
    {
        Root = Path.Combine(Path.GetTempPath(), "kiln-contrib-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(Root, ".kiln"));
        HelperDirectory = Root + "-helpers";
        Directory.CreateDirectory(HelperDirectory);
        Configuration = new Configuration { Log = new DiagnosticLog(Output) };
    }

    public string Root { get; }

    public string HelperDirectory { get; }

    public StringWriter Output { get; } = new();

    public Configuration Configuration { get; }

    /// <summary>Enters a root context on this working tree (PATH is not imported: helpers get an empty environment).</summary>
    /// <remarks>Re-entering right after leaving needs no retry although tests here spawn compilers from other threads:
    /// the engine unlocks <c>.kiln/lock</c> (LOCK_UN) before closing it, so a forked child's duplicate of the
    /// descriptor cannot keep the lock (ProcessLock.cs).</remarks>
    public Context Enter(int maxParallelRedoCount = 1) => new(maxParallelRedoCount, Configuration, Root);

    /// <summary>Enters and leaves a context, which waits until files written before have an mtime in the past.</summary>
    public void Settle()
    {
        using (Enter())
        {
        }
    }

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public void Write(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    public string TakeOutput()
    {
        var text = Output.ToString();
        Output.GetStringBuilder().Clear();
        return text;
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

    public void Dispose()
    {
        foreach (var dir in new[] { Root, HelperDirectory })
        {
            try
            {
                Directory.Delete(dir, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }
}
