using System.Security.Cryptography;
using Kiln.Platform.Command;
using Kiln.Platform.Files;

namespace Kiln.Platform.Replay;

/// <summary>
/// Whether a build script's last successful run can stand for a run now: the decision of the <c>kiln</c> front's fast
/// path, and of the engine's shadow check (<c>KILN_VERIFY_REPLAY=1</c>), which must agree since both call this.
/// </summary>
/// <remarks>
/// <para>Sound only together with what the engine records (<c>ConfigurationRecord</c>): the record lists everything
/// the script's configuration observed outside its redos (a script that could observe more is not replayable), and for
/// every tool instance it started, the inputs and outputs its redo decision looks at. If all of it is as recorded, the
/// script would start the same instances with the same dependencies, and each would be up to date by the engine's rules
/// (<c>Kiln.Rebuild.RedoRules</c>): an input counts as unchanged exactly when its encoded <see cref="PathState"/>
/// equals the stored one, an output when it exists and is of its role's kind. Anything the record marks as a pending
/// redo (a redo requested, an output overwritten, an input not known) is handed over.</para>
/// <para>Files the configuration read (the script, its references, <c>Sources.ReadAllText</c>) are compared by content
/// always, not by their stamp: the script reads their content when it runs, so a same-size rewrite with the mtime set
/// back changes what it does (hashing the script and Kiln's three assemblies, about 350 KB, costs about 0.3 ms). A
/// listed directory counts as unchanged when its state is; a racy one (mtime not older than the run's start less the
/// coarsest mtime resolution, so that an entry added in the same mtime tick would not show), or one whose state
/// changed, when its entries are.</para>
/// </remarks>
internal static class ReplayCheck
{
    /// <summary>Set to 1: a replay that finds the tree up to date hands over anyway, and the engine checks that its run agrees.</summary>
    public const string VerifyVariable = "KILN_VERIFY_REPLAY";

    /// <summary>What the run now would be: what the record must match.</summary>
    /// <param name="KilnVersion">The version of the Kiln deciding, without its <c>+revision</c>.</param>
    /// <param name="EngineDirectory">The directory of the managed kiln (Kiln.Cli) that would run the script.</param>
    /// <param name="Root">The working tree's root (absolute, no trailing slash).</param>
    /// <param name="Arguments">The script's name (normalised) and its arguments.</param>
    /// <param name="Environment">The variable's value now, or null.</param>
    /// <param name="NowNs">Now in ns since the Unix epoch.</param>
    public sealed record Request(string KilnVersion, string EngineDirectory, string Root, IReadOnlyList<string> Arguments,
        Func<string, string?> Environment, long NowNs);

    /// <summary>The configuration record of the working tree at <paramref name="root"/>.</summary>
    public static string RecordPath(string root) => Path.Combine(root, WorkingTreeRoot.MarkerName, ReplayRecord.FileName);

    /// <summary>
    /// Reads the record of the tree at <see cref="Request.Root"/> and checks it: the record and its bytes as read (null
    /// when missing or unreadable), and null or the first reason the recorded run cannot stand for a run now.
    /// </summary>
    public static (ReplayRecord? Record, byte[]? Bytes, string? Reason) CheckTree(Request now)
    {
        ArgumentNullException.ThrowIfNull(now);
        var path = RecordPath(now.Root);
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return (null, null, $"no configuration record '{path}' (the last run failed, was interrupted or has not written one)");
        }
        var record = ReplayRecord.Parse(bytes, out var problem);
        return record is null ? (null, bytes, problem) : (record, bytes, Check(record, now));
    }

    /// <summary>Null when the recorded run can stand for a run now; else the first reason it cannot, one line.</summary>
    public static string? Check(ReplayRecord record, Request now)
    {
        ArgumentNullException.ThrowIfNull(record);
        ArgumentNullException.ThrowIfNull(now);
        if (record.NotReplayableReasons.Count > 0)
            return $"the script is not replayable: {record.NotReplayableReasons[0]}";
        if (record.KilnVersion is null || WithoutRevision(record.KilnVersion) != now.KilnVersion)
            return $"recorded by kiln {record.KilnVersion}, this is {now.KilnVersion}";
        if (!SameDirectory(record.EngineDirectory, now.EngineDirectory))
            return $"recorded by the kiln in '{record.EngineDirectory}', this one is in '{now.EngineDirectory}'";
        if (!SameDirectory(record.WorkingDirectory, now.Root))
            return $"recorded in '{record.WorkingDirectory}'";
        if (!record.Arguments.SequenceEqual(now.Arguments, StringComparer.Ordinal))
            return $"the arguments differ from the recorded ones ({string.Join(' ', record.Arguments)})";
        if (record.RunDatabase is not ({ } database, { } file) || RunDatabaseIdentity.Of(database) != file)
            return "the run-database is not the one the record was made against";
        if (now.NowNs >= record.ValidUntilNs)
            return "a tool instance's last redo is older than the maximum dependency age";
        foreach (var (name, value) in record.Environment)
        {
            if (!string.Equals(now.Environment(name), value, StringComparison.Ordinal))
                return $"environment variable {name} has changed";
        }
        return FilesChanged("script", record.Scripts)
            ?? FilesChanged("reference", record.References)
            ?? LocalReferencesChanged(record)
            ?? FilesChanged("file read by the script", record.Reads)
            ?? DirectoriesChanged(record.Directories)
            ?? InstancesChanged(record.Instances);
    }

    /// <summary>A version without its <c>+revision</c> suffix.</summary>
    public static string WithoutRevision(string version)
    {
        ArgumentNullException.ThrowIfNull(version);
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus < 0 ? version : version[..plus];
    }

    private static bool SameDirectory(string? a, string? b) =>
        a is not null && b is not null && string.Equals(a.TrimEnd('/'), b.TrimEnd('/'), StringComparison.Ordinal);

    private static string? FilesChanged(string what, IReadOnlyList<ReplayRecord.HashedFile> files)
    {
        foreach (var file in files)
        {
            if (PathState.TryLstat(file.Path, out var state) != 0 || state.Kind != PathState.RegularFile)
                return $"{what} '{file.Path}' is no longer a readable file";
            if (state.Size != file.Size || !string.Equals(Sha256Of(file.Path), file.Sha256, StringComparison.Ordinal))
                return $"{what} '{file.Path}' has changed";
        }
        return null;
    }

    // The references beside the script that the engine finds by listing .kiln/u/ (*.dll): a new one is a new reference.
    private static string? LocalReferencesChanged(ReplayRecord record)
    {
        if (record.LocalReferenceDirectory is not { } directory)
            return null;
        var recorded = record.LocalReferences.Select(r => r.Path);
        string[] now;
        try
        {
            now = Directory.Exists(directory) ? [.. Directory.EnumerateFiles(directory, "*.dll").Where(p => Path.GetFileName(p) != ".dll").Order(StringComparer.Ordinal)] : [];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot list '{directory}'";
        }
        return now.SequenceEqual(recorded.Order(StringComparer.Ordinal), StringComparer.Ordinal) ? null : $"the assemblies in '{directory}' have changed";
    }

    private static string? DirectoriesChanged(IReadOnlyList<ReplayRecord.ListedDirectory> directories)
    {
        foreach (var directory in directories)
        {
            if (PathState.TryLstat(directory.Path, out var state) != 0)
                return $"listed directory '{directory.Path}' cannot be examined";
            if (!directory.Racy && state.Encode().AsSpan().SequenceEqual(directory.State))
                continue;
            if (directory.EntriesSha256 is null || state.Kind != PathState.Directory
                || !string.Equals(DirectoryEntries.HashOf(directory.Path), directory.EntriesSha256, StringComparison.Ordinal))
                return $"listed directory '{directory.Path}' has changed";
        }
        return null;
    }

    // Each path is examined once per check: a header that half the sources include, an object that is one compile's
    // output and the link's input, would otherwise be lstat-ed (and encoded) once per instance that names it — at
    // N = 1000, 8229 lstat calls for about 2000 paths. One reading per path is what a run sees too: the state now.
    private static string? InstancesChanged(IReadOnlyList<ReplayRecord.Instance> instances)
    {
        var seen = new Dictionary<string, (int Errno, PathState State, byte[] Encoded)>(StringComparer.Ordinal);
        (int Errno, PathState State, byte[] Encoded) Examine(string path)
        {
            if (!seen.TryGetValue(path, out var found))
            {
                var errno = PathState.TryLstat(path, out var state);
                seen[path] = found = (errno, state, errno == 0 ? state.Encode() : []);
            }
            return found;
        }

        foreach (var instance in instances)
        {
            if (instance.Pending is not null)
                return $"tool instance {instance.Id} is due: {instance.Pending}";
            foreach (var output in instance.Outputs)
            {
                var now = Examine(output.Path);
                if (now.Errno != 0 || !KindMatches(output.Kind, now.State.Kind))
                    return $"output '{output.Path}' of tool instance {instance.Id} is missing or of another kind";
            }
            foreach (var input in instance.Inputs)
            {
                if (input.State is null || Examine(input.Path) is not { Errno: 0 } now || !now.Encoded.AsSpan().SequenceEqual(input.State))
                    return $"input '{input.Path}' of tool instance {instance.Id} has changed";
            }
        }
        return null;
    }

    /// <summary>The engine's rule (<c>Observation.KindMatches</c>): a regular file, a directory, or (<see cref="PathState.Other"/>) a symbolic link or other non-regular file.</summary>
    internal static bool KindMatches(byte expected, byte actual) => expected switch
    {
        PathState.RegularFile => actual == PathState.RegularFile,
        PathState.Directory => actual == PathState.Directory,
        _ => actual is PathState.SymbolicLink or PathState.Other,
    };

    private static string? Sha256Of(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return Convert.ToHexStringLower(SHA256.HashData(stream));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
