namespace Kiln.Toolchain;

/// <summary>One rule of a Makefile depfile: <c>targets: prerequisites</c>.</summary>
/// <param name="Targets">The targets (left of the colon), unescaped.</param>
/// <param name="Prerequisites">The prerequisites (right of the colon), unescaped, in order.</param>
public sealed record DepfileRule(IReadOnlyList<string> Targets, IReadOnlyList<string> Prerequisites)
{
    /// <summary>A rule without prerequisites, as <c>-MP</c> writes for every header so deleting one is not an error.</summary>
    public bool IsPhony => Prerequisites.Count == 0;
}
