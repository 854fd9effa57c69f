using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Kiln.Paths;
using Kiln.Platform.Replay;
using Kiln.Rebuild;
using Kiln.WorkingTree;

namespace Kiln;

/// <summary>
/// What one run of a build script observed outside its redos, through Kiln, written as <c>.kiln/configuration-1.json</c>
/// when a root context is left successfully: the script's files and references, Kiln's version, the arguments, the
/// environment variables read, the listings (<see cref="Sources.Glob"/>, <see cref="Sources.List"/>) and files read
/// (<see cref="Sources.ReadAllText"/>), and the tool instances started. A later run that finds all of it unchanged may
/// skip the script (the replay of issue 15, planned): the record is what that decision will be checked against.
/// </summary>
/// <remarks>
/// <para>Format (<c>docs/run-database.md</c>, "Configuration record"): one JSON object, <c>format</c> 1; absolute paths,
/// SHA-256 as lower-case hex, times in ns since the Unix epoch. A file entry is <c>{path, mtimeNs, size, sha256, racy}</c>;
/// <c>racy</c> when its mtime is not older than the first root context's start less <see cref="RacyWindowNs"/>: an edit
/// in the same mtime tick would not show in (mtime, size), so such a file must be compared by content.</para>
/// <para>One record per script run (the host creates it and puts it into <see cref="Configuration"/>), shared by the root
/// contexts the script enters one after another: entering one removes the file (a run that dies leaves none), leaving one
/// successfully writes all observed so far (temporary + rename), a failed one leaves none and none is written after it.</para>
/// <para>Calls from a redo's async flow are not recorded: a redo runs only when its instance is not up to date.</para>
/// </remarks>
internal sealed class ConfigurationRecord(ScriptFacts script)
{
    public const string FileName = ReplayRecord.FileName;

    /// <summary>The coarsest mtime resolution Kiln expects (FAT's, 2 s), as in <c>ToolRedo</c>.</summary>
    public const long RacyWindowNs = 2_000_000_000;

    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, string?> _environment = new(StringComparer.Ordinal);
    private readonly List<(string Kind, string Pattern, string[] Exclude, int Count, string Sha256)> _listings = [];
    private readonly List<(string Path, FileMemo Memo, string Sha256)> _reads = [];
    private readonly List<long> _instances = [];
    private readonly List<(long Id, ObservedOutput[] Outputs)> _started = [];
    private readonly HashSet<long> _startedIds = [];
    private readonly List<string> _replayInstances = [];
    private readonly List<int> _runInstanceCounts = [];
    private readonly Dictionary<string, (FileMemo Memo, string? Entries)> _directories = new(StringComparer.Ordinal);
    private long _validUntilNs = long.MaxValue;
    private (string? Path, string? File) _runDatabase;
    private int _rootContexts;
    private long _firstStartNs;
    private bool _failed;
    private IFileSystem? _fs;
    private string? _path;

    public ScriptFacts Script { get; } = script;

    /// <summary>Removes the record of the last run and notes the root context (its start and PATH, which the engine reads).</summary>
    public void EnterRoot(RunState run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            _fs = run.FileSystem;
            _path = run.Tree.ManagementNative + FileName;
            _fs.Delete(_path);
            if (_rootContexts++ == 0)
                _firstStartNs = run.StartNs;
            _environment.TryAdd("PATH", run.ProcessEnvironment.GetValueOrDefault("PATH"));
        }
    }

    /// <summary>A variable read from the process environment (null: absent); the first read is what the run saw.</summary>
    public void AddEnvironment(string name, string? value)
    {
        lock (_gate)
            _environment.TryAdd(name, value);
    }

    /// <summary>A listing made by the configuration: its kind (<c>glob</c>, <c>list</c>), what was listed, and the result's hash.</summary>
    public void AddListing(string kind, string pattern, string[] exclude, IReadOnlyList<TreePath> result)
    {
        if (Context.IsRedoFlow)
            return;
        lock (_gate)
            _listings.Add((kind, pattern, exclude, result.Count, ListingHash(result)));
    }

    /// <summary>SHA-256 over the result's paths (<see cref="TreePath.AsString"/>), each followed by a newline.</summary>
    public static string ListingHash(IEnumerable<TreePath> result)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var path in result)
            hash.AppendData(Encoding.UTF8.GetBytes(path.AsString() + "\n"));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>A file read by the configuration, with its state before the read and the content read.</summary>
    public void AddRead(string nativePath, FileMemo memo, byte[] content)
    {
        if (Context.IsRedoFlow)
            return;
        lock (_gate)
            _reads.Add((nativePath, memo, Convert.ToHexStringLower(SHA256.HashData(content))));
    }

    /// <summary>
    /// A directory a listing read (or the path a glob would have started in, when it is not a directory): its state now
    /// and its entries' hash (<see cref="DirectoryEntries"/>), which the replay check compares.
    /// </summary>
    public void AddListedDirectory(IFileSystem fs, string nativePath)
    {
        ArgumentNullException.ThrowIfNull(fs);
        if (Context.IsRedoFlow)
            return;
        var memo = fs.Lstat(nativePath);
        string? entries = null;
        if (memo.Kind == FileKind.Directory)
        {
            entries = fs.IsReal
                ? DirectoryEntries.HashOf(nativePath)
                : DirectoryEntries.Hash(fs.List(nativePath).Select(n => (n, (byte)fs.Lstat(Path.Combine(nativePath, n)).Kind)));
        }
        lock (_gate)
            _directories.TryAdd(nativePath, (memo, entries));
    }

    /// <summary>A tool instance started by the configuration, with its explicit outputs (the engine's <c>Started</c> step).</summary>
    public void AddStarted(long instanceId, ObservedOutput[] outputs)
    {
        lock (_gate)
        {
            if (_startedIds.Add(instanceId))
                _started.Add((instanceId, outputs));
        }
    }

    /// <summary>
    /// Notes a root context being left: after a successful one, what the replay needs of its instances is read from the
    /// still open run-database; a failed one marks the script run failed (no record is written after it).
    /// </summary>
    public void LeaveRoot(RunState run, bool successful)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            if (!successful)
            {
                _failed = true;
                return;
            }
            _instances.AddRange(run.StartedInstances);
            _runInstanceCounts.Add(run.InstanceCount);
            if (!_failed)
                AddReplayInstances(run);
        }
    }

    /// <summary>
    /// Writes the record of everything observed so far, after a successful root context, once its run-database is closed
    /// (closing may checkpoint the log, and the record names the run-database's state: <see cref="RunDatabaseIdentity"/>).
    /// </summary>
    /// <exception cref="ManagementTreeException">The record cannot be written.</exception>
    public void WriteAfterClose(RunState run)
    {
        ArgumentNullException.ThrowIfNull(run);
        lock (_gate)
        {
            if (_failed)
                return;
            _runDatabase = (run.Database.Path, run.FileSystem.IsReal ? RunDatabaseIdentity.Of(run.Database.Path) : null);
            RunRecords.WriteAtomically(run.FileSystem, run.Tree.ManagementNative + FileName, RunRecords.Json(indented: true, json => Write(json, run.FileSystem)));
        }
    }

    /// <summary>Removes the record: the script failed after its root contexts were left.</summary>
    public void Discard()
    {
        lock (_gate)
        {
            _failed = true;
            if (_fs is not null && _path is not null)
                _fs.Delete(_path);
        }
    }

    // What the replay check needs of each instance started in this root context, read back from the run-database now
    // that its redos are recorded: the inputs with their stored states, or why its next start redoes it whatever the
    // files say (RedoRules' rules that do not look at the file system). Written as JSON text now: the next root context
    // has a run-database of its own.
    private void AddReplayInstances(RunState run)
    {
        var root = run.Tree.RootNative;
        var maxAgeNs = run.Configuration.MaxDependencyAge.Ticks > long.MaxValue / 100 ? long.MaxValue : run.Configuration.MaxDependencyAge.Ticks * 100;
        if (run.Database.OldestTraceStartNs() is { } oldest)
            _validUntilNs = Math.Min(_validUntilNs, oldest > long.MaxValue - maxAgeNs ? long.MaxValue : oldest + maxAgeNs);
        foreach (var (id, outputs) in _started.Skip(_replayInstances.Count))
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
                WriteReplayInstance(json, id, outputs, run.Database.LoadTrace(id), root);
            _replayInstances.Add(Encoding.UTF8.GetString(buffer.WrittenSpan));
        }
    }

    private static void WriteReplayInstance(Utf8JsonWriter json, long id, ObservedOutput[] outputs, Store.Trace? trace, string root)
    {
        json.WriteStartObject();
        json.WriteNumber("id", id);
        var pending = trace switch
        {
            null => "no successful redo is known",
            { RedoRequested: true } => "its last redo requested another one",
            { OverwrittenOutput: { } overwritten } => $"its output {TreePath.Quote(overwritten)} was written by another tool instance",
            _ => null,
        };
        json.WriteStartArray("outputs");
        foreach (var output in outputs)
        {
            json.WriteStartObject();
            json.WriteString("path", ManagedPaths.Native(output.Path, root));
            json.WriteNumber("kind", (byte)output.ExpectedKind);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("inputs");
        foreach (var input in trace?.Inputs ?? [])
        {
            var path = Store.RunDatabase.DecodePath(input.EncodedPath);
            if (path is null)
            {
                pending ??= "a recorded input's path cannot be decoded";
                continue;
            }
            if (input.IsExplicit && input.Memo is not null && FileMemo.TryDecode(input.Memo, out var before) && !before.Exists)
                pending ??= $"its explicit input {path} did not exist";
            json.WriteStartObject();
            json.WriteString("path", ManagedPaths.Native(path, root));
            if (input.Memo is null)
                json.WriteNull("state");
            else
                json.WriteBase64String("state", input.Memo);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        if (pending is not null)
            json.WriteString("pending", pending);
        json.WriteEndObject();
    }

    private void Write(Utf8JsonWriter json, IFileSystem fs)
    {
        var kiln = typeof(Context).Assembly;
        json.WriteStartObject();
        json.WriteNumber("format", 1);
        json.WriteStartObject("kiln");
        json.WriteString("version", kiln.GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .OfType<System.Reflection.AssemblyInformationalVersionAttribute>().FirstOrDefault()?.InformationalVersion ?? kiln.GetName().Version?.ToString());
        json.WriteString("mvid", kiln.ManifestModule.ModuleVersionId.ToString());
        json.WriteEndObject();
        json.WriteString("runtime", Environment.Version.ToString());
        json.WriteString("engineDirectory", AppContext.BaseDirectory);
        json.WriteString("workingDirectory", Script.WorkingDirectory);
        json.WriteStartArray("arguments");
        foreach (var a in Script.Arguments)
            json.WriteStringValue(a);
        json.WriteEndArray();
        json.WriteBoolean("replayable", Script.IsReplayable);
        json.WriteStartArray("reasons");
        foreach (var r in Script.NotReplayableReasons)
            json.WriteStringValue(r);
        json.WriteEndArray();
        json.WriteNumber("startNs", _firstStartNs);
        json.WriteNumber("rootContexts", _rootContexts);
        WriteFiles(json, "scripts", Script.Scripts.Select(f => (f.Path, fs.Lstat(f.Path), f.Sha256)));
        WriteFiles(json, "references", Script.References.Select(f => (f.Path, fs.Lstat(f.Path), f.Sha256)));
        json.WriteString("localReferenceDirectory", Script.LocalReferenceDirectory);
        WriteFiles(json, "reads", _reads);
        json.WriteStartObject("environment");
        foreach (var (name, value) in _environment)
        {
            if (value is null)
                json.WriteNull(name);
            else
                json.WriteString(name, value);
        }
        json.WriteEndObject();
        json.WriteStartArray("listings");
        foreach (var l in _listings)
        {
            json.WriteStartObject();
            json.WriteString("kind", l.Kind);
            json.WriteString("pattern", l.Pattern);
            json.WriteStartArray("exclude");
            foreach (var e in l.Exclude)
                json.WriteStringValue(e);
            json.WriteEndArray();
            json.WriteNumber("count", l.Count);
            json.WriteString("sha256", l.Sha256);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("directories");
        foreach (var (path, (memo, entries)) in _directories)
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteBase64String("state", memo.Encode());
            json.WriteString("entries", entries);
            json.WriteBoolean("racy", memo.MtimeNs >= _firstStartNs - RacyWindowNs);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteNumber("validUntilNs", _validUntilNs);
        json.WriteStartObject("runDatabase");
        json.WriteString("path", _runDatabase.Path);
        json.WriteString("file", _runDatabase.File);
        json.WriteEndObject();
        json.WriteStartArray("runs");
        foreach (var count in _runInstanceCounts)
        {
            json.WriteStartObject();
            json.WriteNumber("instanceCount", count);
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteStartArray("instances");
        foreach (var instance in _replayInstances)
            json.WriteRawValue(instance, skipInputValidation: true);
        json.WriteEndArray();
        json.WriteStartArray("toolInstances");
        foreach (var id in _instances)
            json.WriteNumberValue(id);
        json.WriteEndArray();
        json.WriteEndObject();
    }

    private void WriteFiles(Utf8JsonWriter json, string name, IEnumerable<(string Path, FileMemo Memo, string Sha256)> files)
    {
        json.WriteStartArray(name);
        foreach (var (path, memo, sha256) in files)
        {
            json.WriteStartObject();
            json.WriteString("path", path);
            json.WriteNumber("mtimeNs", memo.MtimeNs);
            json.WriteNumber("size", memo.Size);
            json.WriteString("sha256", sha256);
            json.WriteBoolean("racy", memo.MtimeNs >= _firstStartNs - RacyWindowNs);
            json.WriteEndObject();
        }
        json.WriteEndArray();
    }
}
