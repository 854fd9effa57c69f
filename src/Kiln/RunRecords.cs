using System.Collections.Concurrent;
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
    private long _order;

    public void AddCompilation(CompilationEntry entry) => _compilations.Enqueue((Interlocked.Increment(ref _order), entry));

    public void AddRedo(string tool, string reason, long startNs, long durationNs, bool failed) =>
        _redos.Enqueue((tool, reason, startNs, durationNs, failed));

    /// <summary>Writes both files into <paramref name="managementDirectory"/> (<c>.kiln/</c>).</summary>
    /// <remarks>
    /// Written with <see cref="Utf8JsonWriter"/>, not the reflection-based serializer: build scripts may run as
    /// file-based apps, which are trimmed and have reflection-based JSON serialization disabled.
    /// </remarks>
    public void Write(WorkingTree.IFileSystem fs, string managementDirectory)
    {
        if (!_compilations.IsEmpty)
        {
            var entries = _compilations.OrderBy(c => c.Order).Select(c => c.Entry).ToList();
            WriteAtomically(fs, Path.Combine(managementDirectory, CompilationDatabaseName), Json(indented: true, json =>
            {
                json.WriteStartArray();
                foreach (var e in entries)
                {
                    json.WriteStartObject();
                    json.WriteString("directory", e.Directory);
                    json.WriteStartArray("arguments");
                    foreach (var a in e.Arguments)
                        json.WriteStringValue(a);
                    json.WriteEndArray();
                    json.WriteString("file", e.File);
                    json.WriteString("output", e.Output);
                    json.WriteEndObject();
                }
                json.WriteEndArray();
            }));
        }
        WriteAtomically(fs, Path.Combine(managementDirectory, TraceName), Json(indented: false, WriteTrace));
    }

    private void WriteTrace(Utf8JsonWriter json)
    {
        var laneEnds = new List<long>();
        json.WriteStartObject();
        json.WriteStartArray("traceEvents");
        foreach (var redo in _redos.OrderBy(r => r.StartNs))
        {
            var lane = laneEnds.FindIndex(end => end <= redo.StartNs);
            if (lane < 0)
            {
                lane = laneEnds.Count;
                laneEnds.Add(0);
            }
            laneEnds[lane] = redo.StartNs + redo.DurationNs;
            json.WriteStartObject();
            json.WriteString("name", redo.Tool);
            json.WriteString("cat", redo.Failed ? "redo,failed" : "redo");
            json.WriteString("ph", "X");
            json.WriteNumber("ts", redo.StartNs / 1000.0);
            json.WriteNumber("dur", redo.DurationNs / 1000.0);
            json.WriteNumber("pid", 1);
            json.WriteNumber("tid", lane + 1);
            json.WriteStartObject("args");
            json.WriteString("reason", redo.Reason);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteString("displayTimeUnit", "ms");
        json.WriteEndObject();
    }

    internal static byte[] Json(bool indented, Action<Utf8JsonWriter> write)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = indented, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            write(json);
        return buffer.WrittenSpan.ToArray();
    }

    /// <exception cref="WorkingTree.ManagementTreeException">The file cannot be written (disk full, permission denied);
    /// the previous file is kept whole and the temporary is removed.</exception>
    internal static void WriteAtomically(WorkingTree.IFileSystem fs, string path, byte[] content)
    {
        var temporary = path + ".tmp";
        try
        {
            fs.WriteAllBytes(temporary, content);
            fs.Rename(temporary, path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                fs.Delete(temporary);
            }
            catch (Exception cleanup) when (cleanup is IOException or UnauthorizedAccessException)
            {
                // Left for the next run to overwrite.
            }
            throw new WorkingTree.ManagementTreeException(WorkingTree.WriteFailure.Describe(
                $"could not write {Paths.TreePath.Quote(path)} (the run's outputs are complete and recorded)", e, Path.GetDirectoryName(path) + "/"), e);
        }
    }
}
