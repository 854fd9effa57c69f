using System.CommandLine;
using System.Globalization;
using Kiln.Paths;
using Kiln.Store;
using Kiln.Platform.Command;

namespace Kiln.Cli.Build;

/// <summary>
/// <c>kiln explain [path]</c>: why the last run (the same one <c>kiln trace</c> shows, successful or failed) redid
/// what it did, read from the run-database (as <c>ninja -d explain</c>, but after the fact). With a path, only redos
/// of tool instances with it (or a path under it) among their inputs, in their description or in their reason.
/// </summary>
internal static class ExplainCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var path = new Argument<string?>("path") { Description = "Show only redos of tool instances with this path among their dependencies", Arity = ArgumentArity.ZeroOrOne };
        var cacheKey = new Option<bool>("--cache-key") { Description = "For a redo restored from the action cache, show the inputs of its key" };
        var command = new Command("explain", "Show why the last run redid what it did") { path, cacheKey };
        command.SetAction(p =>
        {
            var root = WorkingTreeRoot.Find(Directory.GetCurrentDirectory());
            if (root is null)
            {
                error.WriteLine($"error: current working directory not in a kiln working tree (no '{WorkingTreeRoot.MarkerName}' found)");
                return 1;
            }
            var database = Path.Combine(root, WorkingTreeRoot.MarkerName, RunDatabase.FileName);
            var filter = p.GetValue(path);
            TreePath? involving = null;
            if (filter is not null && Path.GetFullPath(filter).TrimEnd('/') != root.TrimEnd('/'))
            {
                var full = Path.GetFullPath(filter);
                var relative = Path.GetRelativePath(root, full);
                if (relative == ".." || relative.StartsWith("../", StringComparison.Ordinal) || Path.IsPathRooted(relative))
                {
                    error.WriteLine($"error: not a path in the working tree: {TreePath.Quote(filter)}\n  | name a file or directory below {TreePath.Quote(root.TrimEnd('/') + "/")}");
                    return 2;
                }
                var isDirectory = filter.EndsWith('/') || Directory.Exists(full);
                involving = TreePath.Parse(isDirectory ? relative.TrimEnd('/') + "/" : relative, isDirectory);
            }
            ExplainedRun? latest;
            try
            {
                latest = RunDatabase.ReadLatestRun(database, involving);
            }
            catch (RunDatabaseException e)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
            if (latest is null)
            {
                output.WriteLine("no run recorded yet in this working tree");
                return 0;
            }
            var start = DateTimeOffset.UnixEpoch.AddTicks(latest.StartNs / 100).UtcDateTime;
            output.WriteLine(latest.Failed
                ? string.Create(CultureInfo.InvariantCulture,
                    $"last run {start:yyyy-MM-dd HH:mm:ss}Z (failed, or still running): {latest.Redos.Count} redo(s) completed and recorded{(involving is null ? "" : $" involving {TreePath.Quote(involving.AsString())}")}")
                : string.Create(CultureInfo.InvariantCulture,
                    $"last run {start:yyyy-MM-dd HH:mm:ss}Z: {latest.Redos.Count} redo(s){(involving is null ? "" : $" involving {TreePath.Quote(involving.AsString())}")} of {latest.ToolInstanceCount} tool instance start(s), {latest.DurationNs / 1e9:0.000} s"));
            if (involving is not null && latest.Redos.Count == 0)
                output.WriteLine($"no redo of the last run involves {TreePath.Quote(involving.AsString())}");
            foreach (var r in latest.Redos)
            {
                output.WriteLine(r.Tool);
                // A redo restored from the action cache has its key's inputs on the lines after its reason.
                var lines = r.Reason.Split('\n');
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  | {lines[0]}  [{r.DurationNs / 1e6:0.0} ms]"));
                if (p.GetValue(cacheKey))
                    foreach (var line in lines.Skip(1))
                        output.WriteLine("  |   key " + line);
            }
            return 0;
        });
        return command;
    }
}
