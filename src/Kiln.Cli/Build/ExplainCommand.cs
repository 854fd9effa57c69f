using System.CommandLine;
using System.Globalization;
using Kiln.Store;

namespace Kiln.Cli.Build;

/// <summary>
/// <c>kiln explain [path]</c>: why the last successful run redid what it did, read from the run-database
/// (as <c>ninja -d explain</c>, but after the fact). With a path, only redos of tool instances naming it.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var path = new Argument<string?>("path") { Description = "Show only redos of tool instances with this path among their dependencies", Arity = ArgumentArity.ZeroOrOne };
        var command = new Command("explain", "Show why the last run redid what it did") { path };
        command.SetAction(p =>
        {
            var root = WorkingTreeRoot.Find(Directory.GetCurrentDirectory());
            if (root is null)
            {
                error.WriteLine($"error: current working directory not in a kiln working tree (no '{WorkingTreeRoot.MarkerName}' found)");
                return 1;
            }
            var database = Path.Combine(root, WorkingTreeRoot.MarkerName, RunDatabase.FileName);
            (RunSummary Run, IReadOnlyList<RedoRecord> Redos)? latest;
            try
            {
                latest = RunDatabase.ReadLatestRun(database);
            }
            catch (RunDatabaseException e)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
            if (latest is null)
            {
                output.WriteLine("no successful run recorded yet in this working tree");
                return 0;
            }
            var (run, redos) = latest.Value;
            var filter = p.GetValue(path);
            if (filter is not null)
            {
                var relative = Path.GetRelativePath(root, Path.GetFullPath(filter));
                var quoted = Kiln.Paths.TreePath.Quote(relative);
                redos = [.. redos.Where(r => r.Tool.Contains(quoted, StringComparison.Ordinal))];
            }
            var start = DateTimeOffset.UnixEpoch.AddTicks(run.StartNs / 100).UtcDateTime;
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"last run {start:yyyy-MM-dd HH:mm:ss}Z: {run.RedoCount} redo(s) of {run.ToolInstanceCount} tool instance start(s), {run.DurationNs / 1e9:0.000} s"));
            foreach (var r in redos)
            {
                output.WriteLine(r.Tool);
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  | {r.Reason}  [{r.DurationNs / 1e6:0.0} ms]"));
            }
            return 0;
        });
        return command;
    }
}
