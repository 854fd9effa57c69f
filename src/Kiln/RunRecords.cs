using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Kiln.Tools;

namespace Kiln;

/// <summary>
/// What a run writes for tools beside the run-database when its root context is left: the compilation
/// database and the trace of its redos. Both are replaced atomically (temporary file + rename).
/// </summary>
/// <remarks>
/// <para><c>.kiln/compile_commands.json</c>: a JSON array of <c>{directory, arguments, file, output}</c>, one per
/// started instance of an <see cref="IDescribesCompilation"/> tool, in start order (clang's format).</para>
/// <para><c>.kiln/trace.json</c>: Chrome Trace Event format (<c>{"traceEvents": [...]}</c>), one complete event
/// (<c>"ph": "X"</c>) per redo with <c>ts</c>/<c>dur</c> in microseconds since the run's start, <c>tid</c> = a lane
/// (redos that overlap get different lanes), and <c>args.reason</c>; Perfetto and chrome://tracing open it.</para>
/// </remarks>
internal sealed class RunRecords
{
    public const string CompilationDatabaseName = "compile_commands.json";
    public const string TraceName = "trace.json";

    private readonly ConcurrentQueue<(long Order, CompilationEntry Entry)> _compilations = new();
    private readonly ConcurrentQueue<(string Tool, string Reason, long StartNs, long DurationNs, bool Failed)> _redos = new();
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
    private long _order;

    public void AddCompilation(CompilationEntry entry) => _compilations.Enqueue((Interlocked.Increment(ref _order), entry));

    public void AddRedo(string tool, string reason, long startNs, long durationNs, bool failed) =>
        _redos.Enqueue((tool, reason, startNs, durationNs, failed));

    /// <summary>Writes both files into <paramref name="managementDirectory"/> (<c>.kiln/</c>).</summary>
    public void Write(WorkingTree.IFileSystem fs, string managementDirectory)
    {
        if (!_compilations.IsEmpty)
        {
            var entries = _compilations.OrderBy(c => c.Order).Select(c => c.Entry)
                .Select(e => new Dictionary<string, object> { ["directory"] = e.Directory, ["arguments"] = e.Arguments, ["file"] = e.File, ["output"] = e.Output });
            WriteAtomically(fs, Path.Combine(managementDirectory, CompilationDatabaseName), JsonSerializer.Serialize(entries, Indented));
        }
        WriteAtomically(fs, Path.Combine(managementDirectory, TraceName), TraceJson());
    }

    private string TraceJson()
    {
        var laneEnds = new List<long>();
        var events = new List<Dictionary<string, object>>();
        foreach (var redo in _redos.OrderBy(r => r.StartNs))
        {
            var lane = laneEnds.FindIndex(end => end <= redo.StartNs);
            if (lane < 0)
            {
                lane = laneEnds.Count;
                laneEnds.Add(0);
            }
            laneEnds[lane] = redo.StartNs + redo.DurationNs;
            events.Add(new Dictionary<string, object>
            {
                ["name"] = redo.Tool,
                ["cat"] = redo.Failed ? "redo,failed" : "redo",
                ["ph"] = "X",
                ["ts"] = redo.StartNs / 1000.0,
                ["dur"] = redo.DurationNs / 1000.0,
                ["pid"] = 1,
                ["tid"] = lane + 1,
                ["args"] = new Dictionary<string, string> { ["reason"] = redo.Reason },
            });
        }
        return JsonSerializer.Serialize(new Dictionary<string, object> { ["traceEvents"] = events, ["displayTimeUnit"] = "ms" });
    }

    private static void WriteAtomically(WorkingTree.IFileSystem fs, string path, string text)
    {
        var temporary = path + ".tmp";
        fs.WriteAllBytes(temporary, Encoding.UTF8.GetBytes(text));
        fs.Rename(temporary, path);
    }
}
