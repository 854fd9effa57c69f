namespace Kiln.Store;

/// <summary>What the run-database remembers of a tool instance's last successful redo.</summary>
/// <param name="RedoRequested">Whether that redo asked for another redo.</param>
/// <param name="EnvironmentDigest">Digest of the environment-variable values it used.</param>
/// <param name="DefinitionDigest">Digest of the tool's definition (source file content) then.</param>
/// <param name="Inputs">Every explicit and non-explicit input with its memo.</param>
internal sealed record Trace(bool RedoRequested, byte[] EnvironmentDigest, byte[] DefinitionDigest, IReadOnlyList<TracedInput> Inputs)
{
    /// <summary>An explicit output of that redo that another tool instance has written since (its path's text), or null.</summary>
    public string? OverwrittenOutput { get; init; }
}
