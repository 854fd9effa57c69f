using Kiln.Paths;
using Kiln.Store;

namespace Kiln.Rebuild;

/// <summary>
/// The redo decision, a pure function of what was observed and what the run-database remembers. The first
/// rule that fires gives the reason; the order is dlb's (dlb-spec §8.6), with two refinements Kiln adds
/// (execution parameters and tool definition, which dlb folds into "not run before" and an mtime check).
/// </summary>
/// <remarks>
/// <list type="number">
/// <item>an explicit output is missing or of the wrong kind;</item>
/// <item>a non-explicit input of the last redo vanished (or its stored path is undecodable);</item>
/// <item>the start forced a redo;</item>
/// <item>no successful redo is known: "execution parameters have changed" when the same tool with the same
/// explicit dependencies has one, else "not run before";</item>
/// <item>another tool instance has written one of its explicit outputs since its last redo (an option changed and
/// changed back: make's rebuild on a changed makefile, ninja's command hash per output);</item>
/// <item>the last redo requested another one;</item>
/// <item>an environment variable's value changed;</item>
/// <item>the tool's definition changed;</item>
/// <item>an input's state differs from before the last redo: stored as potentially changed by a redo (or new),
/// unknown, existence, type, symbolic link target, size, mtime, permissions or owner — in that order of
/// checks per input, explicit inputs first in role order, then non-explicit ones.</item>
/// </list>
/// </remarks>
internal static class RedoRules
{
    public static RedoDecision Decide(Observation now, Trace? last)
    {
        ArgumentNullException.ThrowIfNull(now);

        foreach (var output in now.Outputs)
        {
            if (!output.Memo.Exists)
                return RedoDecision.Needed(RedoReason.OfObject(output.Path, "does not exist"));
            if (!Observation.KindMatches(output.ExpectedKind, output.Memo.Kind))
                return RedoDecision.Needed(RedoReason.OfObject(output.Path, Observation.KindMismatch(output.ExpectedKind, output.Memo.Kind)));
        }

        foreach (var encoded in now.UndecodablePaths)
            return RedoDecision.Needed(new RedoReason($"redo necessary because of invalid encoded path: {TreePath.Quote(encoded)}", null, IsSuspicious: true));

        if (last is not null)
        {
            var stored = StoredMemos(last);
            foreach (var input in now.PreviousNonExplicitInputs)
            {
                if (!input.Memo.Exists && stored.TryGetValue(input.EncodedPath, out var before) && DecodedExists(before))
                    return RedoDecision.Needed(new RedoReason($"redo necessary because of non-existent filesystem object: {input.Path}"));
            }
        }

        if (now.Forced)
            return RedoDecision.Needed(new RedoReason("redo requested by start()"));

        if (last is null)
        {
            return RedoDecision.Needed(now.HasSiblingWithOtherParameters
                ? new RedoReason("redo necessary because execution parameters have changed")
                : new RedoReason("redo necessary because not run before"));
        }

        if (last.OverwrittenOutput is not null)
            return RedoDecision.Needed(new RedoReason($"redo necessary because output was last written by another tool instance: {TreePath.Quote(last.OverwrittenOutput)}"));

        if (last.RedoRequested)
            return RedoDecision.Needed(new RedoReason("redo requested by last successful redo"));

        if (!now.EnvironmentDigest.AsSpan().SequenceEqual(last.EnvironmentDigest))
            return RedoDecision.Needed(new RedoReason("redo necessary because of changed environment variable"));

        if (!now.DefinitionDigest.AsSpan().SequenceEqual(last.DefinitionDigest))
            return RedoDecision.Needed(new RedoReason($"redo necessary because tool definition has changed: {TreePath.Quote(now.DefinitionFile)}"));

        var memos = StoredMemos(last);
        foreach (var input in now.ExplicitInputs.Concat(now.PreviousNonExplicitInputs))
        {
            var detail = CompareInput(input, memos);
            if (detail is not null)
                return RedoDecision.Needed(RedoReason.OfObject(input.Path, detail));
        }
        return RedoDecision.UpToDate;
    }

    private static Dictionary<string, byte[]?> StoredMemos(Trace last)
    {
        var memos = new Dictionary<string, byte[]?>(last.Inputs.Count, StringComparer.Ordinal);
        foreach (var input in last.Inputs)
            memos[input.EncodedPath] = input.Memo;
        return memos;
    }

    private static bool DecodedExists(byte[]? encoded) =>
        encoded is not null && FileMemo.TryDecode(encoded, out var memo) && memo.Exists;

    /// <summary>The detail of the first difference, or null when the input is unchanged.</summary>
    internal static string? CompareInput(ObservedInput input, IReadOnlyDictionary<string, byte[]?> stored)
    {
        if (!stored.TryGetValue(input.EncodedPath, out var encoded) || encoded is null)
        {
            return input.IsExplicit
                ? "output dependency of a tool instance potentially changed by a redo"
                : "was a new dependency or was potentially changed by a redo";
        }
        if (!FileMemo.TryDecode(encoded, out var before))
            return "state before last successful redo is unknown";
        var now = input.Memo;
        if (input.IsExplicit && !before.Exists)
            return "filesystem object did not exist";
        if (before.Exists != now.Exists)
            return "existence has changed";
        if (!now.Exists)
            return null;
        if (before.Kind != now.Kind)
            return "type of filesystem object has changed";
        if (!string.Equals(before.SymlinkTarget, now.SymlinkTarget, StringComparison.Ordinal))
            return "symbolic link target has changed";
        if (before.Size != now.Size)
            return "size has changed";
        if (before.MtimeNs != now.MtimeNs)
            return "mtime has changed";
        if (before.Mode != now.Mode || before.Uid != now.Uid || before.Gid != now.Gid)
            return "permissions or owner have changed";
        return null;
    }
}
