using Kiln.Diagnostics;
using Kiln.Tests.WorkingTree;
using Microsoft.Extensions.Time.Testing;

namespace Kiln.Tests.Fakes;

/// <summary>
/// A working tree <c>/w/</c> on an <see cref="InMemoryFileSystem"/>, helpers answered by a <see cref="ScriptedProcessRunner"/>
/// and a <see cref="FakeTimeProvider"/>, entered as a whole root <see cref="Context"/> (ninja's <c>build_test.cc</c>
/// shape). Only the run-database is real: a SQLite file in a temporary directory, so that one run sees what the
/// previous one recorded.
/// </summary>
/// <remarks>
/// Every touch of the working-tree time probe moves the logical clock and the fake time by 1 ms, so that leaving a
/// root context (which waits for the working-tree time to advance) never waits for real time.
/// </remarks>
internal sealed class FakeWorkingTree : IDisposable
{
    public const string Root = "/w/";

    private readonly TemporaryDirectory _database = new();

    public FakeWorkingTree()
    {
        FileSystem.AddDirectory(Root + ".kiln/");
        FileSystem.ProbeTouched = _ =>
        {
            FileSystem.Tick();
            Time.Advance(TimeSpan.FromMilliseconds(1));
        };
    }

    public InMemoryFileSystem FileSystem { get; } = new();

    public ScriptedProcessRunner ProcessRunner { get; } = new();

    public FakeTimeProvider Time { get; } = new();

    public StringWriter Output { get; } = new();

    /// <summary>The run-database file (real).</summary>
    public string DatabasePath => _database.Path + "runs.sqlite";

    /// <summary>Enters the root context (with helper <c>cc</c> at <c>/bin/cc</c>); <paramref name="configure"/> may change its configuration.</summary>
    public Context Enter(int maxParallelRedoCount = 1, Action<RedoProgress>? progress = null, Action<Configuration>? configure = null)
    {
        var configuration = new Configuration { Log = new DiagnosticLog(Output, Time), Time = Time, HelperInheritsOutputByDefault = false, Progress = progress };
        configure?.Invoke(configuration);
        var context = new Context(maxParallelRedoCount, configuration, Root, FileSystem, ProcessRunner, DatabasePath);
        context.Helper["cc"] = "/bin/cc";
        return context;
    }

    /// <summary>Writes <paramref name="path"/> (relative to the root), then ticks: the next modification gets a later mtime.</summary>
    public void Write(string path, string content)
    {
        FileSystem.AddFile(Root + path, content);
        FileSystem.Tick();
    }

    public string Read(string path) => FileSystem.ReadText(Root + path);

    public void Dispose() => _database.Dispose();
}
