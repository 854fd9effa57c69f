using System.Globalization;
using System.Text;
using Kiln.Store;

namespace Kiln;

/// <summary>The run summary printed when <see cref="Configuration.LatestRunSummaryMaxCount"/> is positive (dlb's format).</summary>
internal static class RunSummaryReport
{
    public static void Write(RunState run, IReadOnlyList<RunSummary> previous)
    {
        var durationNs = run.ElapsedNs;
        var seconds = durationNs / 1e9;
        var text = new StringBuilder();
        if (previous.Count == 0)
        {
            text.Append(CultureInfo.InvariantCulture, $"duration: {seconds:0.000} s");
        }
        else
        {
            var mean = previous.Average(r => r.DurationNs) / 1e9;
            text.Append(CultureInfo.InvariantCulture, $"duration compared to mean duration of previous {previous.Count} successful runs: {100 * seconds / mean:0.0}% of {mean:0.000} seconds");
        }
        text.Append("\n  start\tseconds\truns\tredos");
        foreach (var r in previous)
            text.Append(Row(r.StartNs, r.DurationNs, r.ToolInstanceCount, r.RedoCount, current: false));
        text.Append(Row(run.Configuration.Time.GetUtcNow().ToUnixTimeMilliseconds() * 1_000_000 - durationNs, durationNs, run.InstanceCount, run.RedoCount, current: true));
        run.Configuration.Log.Inform(text.ToString(), run.Configuration.Levels.RunSummary);
    }

    private static string Row(long startNs, long durationNs, int runs, int redos, bool current)
    {
        var start = DateTimeOffset.UnixEpoch.AddTicks(startNs / 100).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.ffffff", CultureInfo.InvariantCulture) + "Z" + (current ? "*" : "");
        var percent = runs == 0 ? 0 : 100.0 * redos / runs;
        return string.Create(CultureInfo.InvariantCulture, $"\n  {start}\t{durationNs / 1e9:0.000}\t{runs}\t{redos} ({percent:0.0}%)");
    }
}
