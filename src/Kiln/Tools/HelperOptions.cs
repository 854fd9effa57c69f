namespace Kiln.Tools;

/// <summary>How <see cref="RedoContext.RunHelperAsync"/> runs a helper.</summary>
public sealed record HelperOptions
{
    /// <summary>Working directory as a working-tree path; the root when null.</summary>
    public Paths.TreePath? WorkingDirectory { get; init; }

    /// <summary>Exit codes that count as success. Default: 0.</summary>
    public IReadOnlySet<int> ExpectedExitCodes { get; init; } = new HashSet<int> { 0 };

    /// <summary>Variables added to the context's environment for this helper only.</summary>
    public IReadOnlyDictionary<string, string>? ForcedEnvironment { get; init; }

    /// <summary>Whether the helper's output not captured goes to this process's streams (true) or is discarded.</summary>
    public bool InheritOutput { get; init; } = true;

    /// <summary>With <see cref="RedoContext.RunHelperWithOutputAsync"/>: capture standard error instead of standard output.</summary>
    public bool CaptureStandardError { get; init; }
}
