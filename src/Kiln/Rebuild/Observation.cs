using Kiln.Paths;

namespace Kiln.Rebuild;

/// <summary>Everything the redo decision looks at, gathered before it is made.</summary>
/// <param name="Forced">Whether the start asked for a redo.</param>
/// <param name="Outputs">Explicit outputs.</param>
/// <param name="ExplicitInputs">Explicit inputs in the managed tree, in role order.</param>
/// <param name="PreviousNonExplicitInputs">Non-explicit inputs of the last redo (from its trace), as found now; null entries' paths could not be decoded.</param>
/// <param name="UndecodablePaths">Encoded paths of the trace that are not valid managed-tree paths.</param>
/// <param name="EnvironmentDigest">Digest of the environment-variable values now.</param>
/// <param name="DefinitionDigest">Digest of the tool's definition now.</param>
/// <param name="DefinitionFile">The definition's source file (or library and version), for the message.</param>
/// <param name="HasSiblingWithOtherParameters">Whether the same tool with the same explicit dependencies but other execution parameters has a known redo.</param>
internal sealed record Observation(
    bool Forced,
    IReadOnlyList<ObservedOutput> Outputs,
    IReadOnlyList<ObservedInput> ExplicitInputs,
    IReadOnlyList<ObservedInput> PreviousNonExplicitInputs,
    IReadOnlyList<string> UndecodablePaths,
    byte[] EnvironmentDigest,
    byte[] DefinitionDigest,
    string DefinitionFile,
    bool HasSiblingWithOtherParameters)
{
    /// <summary>The expected kind's wording in "exists but is not …" messages.</summary>
    internal static string KindMismatch(FileKind expected, FileKind actual) => expected switch
    {
        FileKind.RegularFile => "filesystem object exists but is not a regular file",
        FileKind.Directory => "filesystem object exists but is not a directory",
        _ => actual == FileKind.Directory ? "filesystem object exists but is a directory" : "filesystem object exists but is a regular file",
    };

    /// <summary>Whether <paramref name="actual"/> is what a role of <paramref name="expected"/> kind accepts.</summary>
    /// <remarks>The one rule, shared with the replay check of the <c>kiln</c> front.</remarks>
    internal static bool KindMatches(FileKind expected, FileKind actual) => Kiln.Platform.Replay.ReplayCheck.KindMatches((byte)expected, (byte)actual);
}
