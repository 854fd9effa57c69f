namespace Kiln.Store;

/// <summary>The latest run as <c>kiln explain</c> shows it: successful or not, with the redos it recorded.</summary>
/// <param name="StartNs">Start, nanoseconds since the Unix epoch (UTC).</param>
/// <param name="DurationNs">Duration in nanoseconds; null when the run failed (or is still running).</param>
/// <param name="ToolInstanceCount">Tool instances started; null as <paramref name="DurationNs"/>.</param>
/// <param name="Redos">The redos it completed and recorded (filtered as asked), in start order.</param>
internal sealed record ExplainedRun(long StartNs, long? DurationNs, int? ToolInstanceCount, IReadOnlyList<RedoRecord> Redos)
{
    /// <summary>Whether the run did not end successfully.</summary>
    public bool Failed => DurationNs is null;
}
