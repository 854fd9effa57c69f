using System.Reflection;
using Kiln.Platform.Replay;
using Kiln.Store;

namespace Kiln.Cli.Build;

/// <summary>
/// The shadow mode of the front's replay (<c>KILN_VERIFY_REPLAY=1</c>, on in the test suite): before the script runs,
/// the same <see cref="ReplayCheck"/> the front runs decides on the record of the last run; when it says "up to date",
/// the script runs anyway and, when it succeeds, must agree — redo nothing, and start the same tool instances in the same order
/// with the same count per root context. A disagreement fails the build with one error: the fast path would have
/// answered wrongly.
/// </summary>
internal sealed class ReplayVerification
{
    private readonly ReplayRecord _said;
    private readonly byte[] _saidBytes;
    private readonly string _recordPath;
    private int _redos;
    private readonly List<int> _instanceCounts = [];

    private ReplayVerification(ReplayRecord said, byte[] saidBytes, string recordPath)
    {
        _said = said;
        _saidBytes = saidBytes;
        _recordPath = recordPath;
    }

    /// <summary>A verification when asked for and the replay check says the run now is up to date; else null.</summary>
    public static ReplayVerification? Begin(string root, IReadOnlyList<string> arguments)
    {
        if (Environment.GetEnvironmentVariable(ReplayCheck.VerifyVariable) != "1")
            return null;
        var version = typeof(ReplayVerification).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "0";
        var (record, bytes, changed) = ReplayCheck.CheckTree(new ReplayCheck.Request(ReplayCheck.WithoutRevision(version), AppContext.BaseDirectory, root, arguments,
            Environment.GetEnvironmentVariable, (TimeProvider.System.GetUtcNow() - DateTimeOffset.UnixEpoch).Ticks * 100));
        return record is not null && changed is null ? new ReplayVerification(record, bytes!, ReplayCheck.RecordPath(root)) : null;
    }

    /// <summary>A root context of the script completed.</summary>
    public void Observe(RunSummary run)
    {
        ArgumentNullException.ThrowIfNull(run);
        _redos += run.RedoCount;
        _instanceCounts.Add(run.ToolInstanceCount);
    }

    /// <summary>Null when the run agreed with the replay; else the error to print (the build then fails).</summary>
    public string? Disagreement(int status)
    {
        // A failed run proves nothing either way: its own error is the report (a read-only tree, say, fails to take
        // the lock before any decision, where the replay, which writes nothing, answers). Decisions are compared only
        // when the run completed.
        if (status != 0)
            return null;
        var what = _redos > 0 ? $"the run did {_redos} redo(s)"
            : !_instanceCounts.SequenceEqual(_said.RunInstanceCounts) ? $"the run started {string.Join('+', _instanceCounts)} tool instance(s), the record {string.Join('+', _said.RunInstanceCounts)}"
            : StartedOthers();
        if (what is null)
            return null;
        try
        {
            File.WriteAllBytes(_recordPath + ".said", _saidBytes);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Only for the report.
        }
        return $"error: replay verification failed: the configuration record said the working tree is up to date, but {what}\n" +
              $"  | a run of kiln's fast path would have been wrong: please report it, with the record of the last run kept as '{_recordPath}.said'";
    }

    private string? StartedOthers()
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(_recordPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "the run wrote no configuration record";
        }
        var now = ReplayRecord.Parse(bytes, out var problem);
        if (now is null)
            return problem;
        return now.Instances.Select(i => i.Id).SequenceEqual(_said.Instances.Select(i => i.Id)) ? null : "the run started other tool instances (or in another order)";
    }
}
