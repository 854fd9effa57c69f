using System.Globalization;
using System.Text;
using Kiln.Diagnostics;
using Kiln.Store;

namespace Kiln;

/// <summary>The run summary printed when <see cref="Configuration.LatestRunSummaryMaxCount"/> is positive (dlb's format).</summary>
internal static class RunSummaryReport
{
    // Fields as dlb's _show_summary: '\t' ends a left-aligned field, '\b' a right-aligned one; two spaces
    // separate the columns.
    public static void Write(RunState run, long durationNs, IReadOnlyList<RunSummary> previous)
    {
        var text = new StringBuilder();
        if (previous.Count == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"duration: {DiagnosticLog.FormatTime(durationNs)} s");
        }
        else
        {
            var meanNs = (long)previous.Average(r => r.DurationNs);
            var percent = meanNs == 0 ? 0 : 100.0 * durationNs / meanNs;
            text.Append(CultureInfo.InvariantCulture, $"duration compared to mean duration of previous {previous.Count} successful runs: {percent:0.0}% of {DiagnosticLog.FormatTime(meanNs)} seconds");
        }
        text.Append("\n  start  \tseconds  \truns\b  redos\b");
        foreach (var r in previous)
            text.Append(Row(r.StartNs, r.DurationNs, r.ToolInstanceCount, r.RedoCount, current: false));
        text.Append(Row(run.StartNs, durationNs, run.InstanceCount, run.RedoCount, current: true));
        run.Configuration.Log.Inform(text.ToString(), run.Configuration.Levels.RunSummary);
    }

    private static string Row(long startNs, long durationNs, int runs, int redos, bool current)
    {
        var start = DateTimeOffset.UnixEpoch.AddTicks(startNs / 100).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "Z" + (current ? "*" : "");
        var row = string.Create(CultureInfo.InvariantCulture, $"\n  {start}  \t{DiagnosticLog.FormatTime(durationNs)}  \t{runs}\b  {redos}\b");
        return runs == 0 ? row : row + string.Create(CultureInfo.InvariantCulture, $" ({100.0 * redos / runs:0.0}%)\b");
    }
}
