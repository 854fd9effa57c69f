using System.Diagnostics;
using System.Globalization;
using Kiln.Platform.Command;
using Kiln.Platform.Replay;

namespace Kiln.Front;

/// <summary>
/// The front's fast path for <c>kiln build</c>: when the configuration record of the last successful run says that a
/// run now would start the same tool instances and find every one up to date (<see cref="ReplayCheck"/>, the same code
/// the engine's shadow check runs), the front prints what that run would print — its summary line per root context —
/// and exits 0, without the .NET runtime, the script or the run-database. Otherwise it says why (printed with
/// <c>--verbose</c> or <c>KILN_VERBOSE</c>) and the build goes to the engine.
/// </summary>
internal static class Replay
{
    /// <summary>The exit status of the replayed run, or null (with the reason) when the engine must run the script.</summary>
    /// <param name="args">The command line (<c>build …</c>, or nothing for the last successful run's arguments).</param>
    /// <param name="engine">The managed kiln that would run the script.</param>
    /// <param name="version">This kiln's version without its revision.</param>
    /// <param name="started">When the front started (for the summary's duration).</param>
    /// <param name="reason">Why the engine must run the script (empty when replayed).</param>
    /// <param name="verbose">Whether <c>-v</c> was given (the caller prints the reason then).</param>
    public static int? TryReplay(string[] args, string engine, string version, Stopwatch started, out string reason, out bool verbose)
    {
        verbose = false;
        var root = WorkingTreeRoot.Find(Environment.CurrentDirectory);
        if (root is null)
        {
            reason = "not in a working tree";
            return null;
        }
        IReadOnlyList<string> arguments;
        var fromHistory = args.Length == 0;
        if (fromHistory)
        {
            try
            {
                if (ArgumentHistory.Load(root) is not { } last)
                {
                    reason = "no arguments of a last successful run";
                    return null;
                }
                arguments = last;
            }
            catch (InvalidDataException)
            {
                reason = "the argument history cannot be read";
                return null;
            }
        }
        else
        {
            var options = BuildOptions.Parse(args[1..], out _);
            if (options is null)
            {
                reason = "the options are not valid";
                return null;
            }
            verbose = options.Verbose;
            if (options.Explain)
            {
                reason = "--explain reports on every tool instance";
                return null;
            }
            var script = options.Rest.Count > 0 ? options.Rest[0] : ScriptName.Default;
            if (ScriptName.Problem(script) is not null)
            {
                reason = "not a valid script name";
                return null;
            }
            arguments = [ScriptName.Normalize(script), .. options.Rest.Skip(1)];
        }

        var nowNs = (DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks * 100;
        var (record, _, changed) = ReplayCheck.CheckTree(
            new ReplayCheck.Request(version, Path.GetDirectoryName(engine) ?? "", root, arguments, Environment.GetEnvironmentVariable, nowNs));
        if (record is null || changed is not null)
        {
            reason = changed!;
            return null;
        }
        if (Environment.GetEnvironmentVariable(ReplayCheck.VerifyVariable) == "1")
        {
            reason = $"{ReplayCheck.VerifyVariable}=1: the engine runs the script and checks that it agrees with the replay";
            return null;
        }

        // What the engine prints of an up-to-date run, in its order (BuildCommand, the log's run summary).
        var error = Console.Error;
        if (fromHistory)
            error.WriteLine("using arguments of last successful run: " + ArgumentHistory.Render(arguments));
        var local = record.LocalReferences.Count();
        if (local > 0)
            error.WriteLine($"adding {local} assembly file(s) from '{WorkingTreeRoot.MarkerName}/u/' to the script's references");
        if (verbose)
            error.WriteLine($"D replayed the configuration record: {record.Instances.Count} tool instance(s) up to date");
        var seconds = started.Elapsed.TotalSeconds;
        foreach (var count in record.RunInstanceCounts)
            error.WriteLine(string.Create(CultureInfo.InvariantCulture, $"I run: 0 redo(s), {count} up to date, {seconds:0.000} s"));
        reason = "";
        return 0;
    }
}
