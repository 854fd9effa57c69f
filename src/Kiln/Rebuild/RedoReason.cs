using Kiln.Paths;

namespace Kiln.Rebuild;

/// <summary>Why a redo is needed: a summary, and for a file-system object its path and the detail.</summary>
/// <param name="Summary">dlb's summary text, e.g. <c>redo necessary because of filesystem object: 'a.o'</c>.</param>
/// <param name="Detail">The reason line's text (without <c>reason: </c>), or null.</param>
/// <param name="IsSuspicious">Whether the reason hints at a problem (shown as a warning, as dlb's suspicious reasons).</param>
public sealed record RedoReason(string Summary, string? Detail = null, bool IsSuspicious = false)
{
    /// <summary>For an object at <paramref name="path"/> with <paramref name="detail"/>.</summary>
    public static RedoReason OfObject(TreePath path, string detail) =>
        new($"redo necessary because of filesystem object: {path}", detail);

    /// <summary>dlb's message form: the summary, then <c>"  | reason: …"</c> when there is a detail.</summary>
    public string ToMessage() => Detail is null ? Summary : $"{Summary}\n  | reason: {Detail}";

    /// <summary>One line: <c>summary (reason: detail)</c>.</summary>
    public override string ToString() => Detail is null ? Summary : $"{Summary} (reason: {Detail})";
}
