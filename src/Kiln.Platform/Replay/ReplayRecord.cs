using System.Text.Json;

namespace Kiln.Platform.Replay;

/// <summary>
/// The part of the configuration record (<c>.kiln/configuration-1.json</c>, written by the engine's
/// <c>ConfigurationRecord</c>; format in docs/run-database.md, "Configuration record") that the replay check reads.
/// </summary>
/// <remarks>Read with <see cref="JsonDocument"/>, not a serializer: the NativeAOT front has no reflection, and a record
/// of 1000 tool instances (about 300 KB) parses in about a millisecond this way.</remarks>
internal sealed class ReplayRecord
{
    /// <summary>The record's file name in the management tree (<c>.kiln/</c>).</summary>
    public const string FileName = "configuration-1.json";

    /// <summary>The format this reader understands (<c>format</c>).</summary>
    public const int Format = 1;

    /// <summary>A file whose content the script depended on: its size and content hash then (the record's stamp and racy flag are for people: the check compares content).</summary>
    public sealed record HashedFile(string Path, long Size, string Sha256);

    /// <summary>A directory a listing read: its encoded state then, and the hash of its entries (<see cref="DirectoryEntries"/>; null: not a directory).</summary>
    public sealed record ListedDirectory(string Path, byte[] State, string? EntriesSha256, bool Racy);

    /// <summary>An input of an instance's last redo: its absolute path and its encoded state before that redo (null: unknown).</summary>
    public sealed record Input(string Path, byte[]? State);

    /// <summary>An explicit output and the kind its role demands (<see cref="Files.PathState"/>'s kind values).</summary>
    public sealed record Output(string Path, byte Kind);

    /// <summary>A tool instance the script started: why it will be redone whatever the files say (null: it depends on them only), its outputs and inputs.</summary>
    public sealed record Instance(long Id, string? Pending, IReadOnlyList<Output> Outputs, IReadOnlyList<Input> Inputs);

    public required string? KilnVersion { get; init; }
    public required string? EngineDirectory { get; init; }
    public required string WorkingDirectory { get; init; }
    public required IReadOnlyList<string> Arguments { get; init; }
    public required IReadOnlyList<string> NotReplayableReasons { get; init; }
    public required long ValidUntilNs { get; init; }

    /// <summary>The run-database the record was made against, and its file's <see cref="RunDatabaseIdentity"/> then.</summary>
    public required (string? Path, string? File) RunDatabase { get; init; }
    public required IReadOnlyList<HashedFile> Scripts { get; init; }
    public required IReadOnlyList<HashedFile> References { get; init; }
    public required string? LocalReferenceDirectory { get; init; }

    /// <summary>The references in <see cref="LocalReferenceDirectory"/> (<c>.kiln/u/*.dll</c>).</summary>
    public IEnumerable<HashedFile> LocalReferences => LocalReferenceDirectory is { } directory
        ? References.Where(r => string.Equals(Path.GetDirectoryName(r.Path), directory.TrimEnd('/'), StringComparison.Ordinal))
        : [];
    public required IReadOnlyList<HashedFile> Reads { get; init; }
    public required IReadOnlyList<KeyValuePair<string, string?>> Environment { get; init; }
    public required IReadOnlyList<ListedDirectory> Directories { get; init; }
    public required IReadOnlyList<Instance> Instances { get; init; }

    /// <summary>Tool instances started per root context, in order (one summary line each).</summary>
    public required IReadOnlyList<int> RunInstanceCounts { get; init; }

    /// <summary>Parses <paramref name="utf8"/>; null with <paramref name="problem"/> when it is not a record of <see cref="Format"/>.</summary>
    public static ReplayRecord? Parse(ReadOnlySpan<byte> utf8, out string? problem)
    {
        try
        {
            using var document = JsonDocument.Parse(utf8.ToArray());
            var root = document.RootElement;
            if (!root.TryGetProperty("format", out var format) || format.GetInt32() != Format)
            {
                problem = $"the configuration record is not of format {Format}";
                return null;
            }
            problem = null;
            return new ReplayRecord
            {
                KilnVersion = root.GetProperty("kiln").GetProperty("version").GetString(),
                EngineDirectory = root.GetProperty("engineDirectory").GetString(),
                WorkingDirectory = root.GetProperty("workingDirectory").GetString()!,
                Arguments = Strings(root.GetProperty("arguments")),
                NotReplayableReasons = Strings(root.GetProperty("reasons")),
                ValidUntilNs = root.GetProperty("validUntilNs").GetInt64(),
                RunDatabase = (root.GetProperty("runDatabase").GetProperty("path").GetString(), root.GetProperty("runDatabase").GetProperty("file").GetString()),
                Scripts = Files(root.GetProperty("scripts")),
                References = Files(root.GetProperty("references")),
                LocalReferenceDirectory = root.GetProperty("localReferenceDirectory").GetString(),
                Reads = Files(root.GetProperty("reads")),
                Environment = [.. root.GetProperty("environment").EnumerateObject().Select(p => new KeyValuePair<string, string?>(p.Name, p.Value.GetString()))],
                Directories = [.. root.GetProperty("directories").EnumerateArray().Select(d => new ListedDirectory(
                    d.GetProperty("path").GetString()!, d.GetProperty("state").GetBytesFromBase64(), d.GetProperty("entries").GetString(), d.GetProperty("racy").GetBoolean()))],
                Instances = [.. root.GetProperty("instances").EnumerateArray().Select(ReadInstance)],
                RunInstanceCounts = [.. root.GetProperty("runs").EnumerateArray().Select(r => r.GetProperty("instanceCount").GetInt32())],
            };
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            problem = $"the configuration record cannot be read ({e.Message})";
            return null;
        }
    }

    private static Instance ReadInstance(JsonElement i)
    {
        var pending = i.TryGetProperty("pending", out var p) ? p.GetString() : null;
        var outputs = new List<Output>();
        foreach (var o in i.GetProperty("outputs").EnumerateArray())
            outputs.Add(new Output(o.GetProperty("path").GetString()!, o.GetProperty("kind").GetByte()));
        var inputs = new List<Input>();
        foreach (var n in i.GetProperty("inputs").EnumerateArray())
        {
            var state = n.GetProperty("state");
            inputs.Add(new Input(n.GetProperty("path").GetString()!, state.ValueKind == JsonValueKind.Null ? null : state.GetBytesFromBase64()));
        }
        return new Instance(i.GetProperty("id").GetInt64(), pending, outputs, inputs);
    }

    private static string[] Strings(JsonElement array) => [.. array.EnumerateArray().Select(e => e.GetString()!)];

    private static HashedFile[] Files(JsonElement array) => [.. array.EnumerateArray().Select(f => new HashedFile(
        f.GetProperty("path").GetString()!, f.GetProperty("size").GetInt64(), f.GetProperty("sha256").GetString()!))];
}
