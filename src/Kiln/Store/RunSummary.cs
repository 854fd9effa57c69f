namespace Kiln.Store;

/// <summary>A successful run as remembered by the run-database.</summary>
/// <param name="StartNs">Start, nanoseconds since the Unix epoch (UTC).</param>
/// <param name="DurationNs">Duration in nanoseconds.</param>
/// <param name="ToolInstanceCount">Tool instances started (redone or not).</param>
/// <param name="RedoCount">Redos performed.</param>
public sealed record RunSummary(long StartNs, long DurationNs, int ToolInstanceCount, int RedoCount);
