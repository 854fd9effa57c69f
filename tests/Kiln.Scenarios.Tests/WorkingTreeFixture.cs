using Kiln.Diagnostics;

namespace Kiln.Scenarios.Tests;

/// <summary>A fresh working tree (a temporary directory with <c>.kiln/</c>) and a captured diagnostic log.</summary>
public sealed class WorkingTreeFixture : IDisposable
{
    public WorkingTreeFixture()
    {
        Root = Path.Combine(Path.GetTempPath(), "kiln-scenario-" + Guid.NewGuid().ToString("N")[..12]);
        Directory.CreateDirectory(Path.Combine(Root, ".kiln"));
        Configuration = new Configuration { Log = new DiagnosticLog(Output) };
    }

    public string Root { get; }

    public StringWriter Output { get; } = new();

    public Configuration Configuration { get; }

    /// <summary>Enters a root context on this working tree.</summary>
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
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
