using Kiln.Diagnostics;

namespace Kiln.Testing;

/// <summary>
/// A fresh working tree (a temporary directory with <c>.kiln/</c>) and a captured diagnostic log, for tests that run
/// the engine in-process on the real file system. One source linked into the test projects that need it.
/// </summary>
public class TemporaryWorkingTree : IDisposable
{
    /// <param name="prefix">Start of the temporary directory's name (tells which tests left it, should one remain).</param>
    public TemporaryWorkingTree(string prefix)
    {
        Root = Path.Combine(Path.GetTempPath(), prefix + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(Root, ".kiln"));
        Configuration = new Configuration { Log = new DiagnosticLog(Output) };
    }

    public string Root { get; }

    public StringWriter Output { get; } = new();

    public Configuration Configuration { get; }

    /// <summary>Enters a root context on this working tree.</summary>
    /// <remarks>Re-entering right after leaving needs no retry even while other threads spawn processes: the engine
    /// unlocks <c>.kiln/lock</c> (LOCK_UN) before closing it, so a forked child's duplicate descriptor cannot keep the
    /// lock (ProcessLock.cs).</remarks>
    public Context Enter(int maxParallelRedoCount = 1) => new(maxParallelRedoCount, Configuration, Root);

    /// <summary>Enters a root context on this working tree with other settings.</summary>
    public Context Enter(Configuration configuration, int maxParallelRedoCount = 1) => new(maxParallelRedoCount, configuration, Root);

    /// <summary>The root as the engine quotes it in messages: absolute, ending in <c>/</c>.</summary>
    public string QuotedRoot => "'" + Root + "/'";

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public void Write(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public string Read(string relative) => File.ReadAllText(PathOf(relative));

    /// <summary>Messages written so far, then forgets them.</summary>
    public string TakeOutput()
    {
        var text = Output.ToString();
        Output.GetStringBuilder().Clear();
        return text;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Removes the tree (and what a derived fixture adds).</summary>
    protected virtual void Dispose(bool disposing) => TryDelete(Root);

    protected static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
