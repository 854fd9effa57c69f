namespace Kiln.Store;

/// <summary>One redo of a run, with the reason it was needed.</summary>
/// <param name="RunId">The run.</param>
/// <param name="Tool">Description of the tool instance.</param>
/// <param name="Reason">The reason, as printed.</param>
/// <param name="StartNs">Start relative to the run's start, in nanoseconds.</param>
/// <param name="DurationNs">Duration in nanoseconds (-1 if the redo failed).</param>
public sealed record RedoRecord(long RunId, string Tool, string Reason, long StartNs, long DurationNs);
