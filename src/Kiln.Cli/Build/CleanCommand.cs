using System.CommandLine;
using Kiln.Paths;
using Kiln.Store;
using Kiln.WorkingTree;
using Kiln.Platform.Command;

namespace Kiln.Cli.Build;

/// <summary>
/// <c>kiln clean [--dead] [--dry-run]</c>: removes the outputs the run-database knows Kiln wrote (the explicit outputs
/// claimed by redos); with <c>--dead</c> only those whose tool instance the latest successful run did not start — the
/// outputs of tools removed from the script, as <c>ninja -t cleandead</c>. Never anything else: not a file written
/// by hand, not a path below a symbolic link, nothing in <c>.kiln/</c>. Holds the working tree's lock meanwhile.
/// </summary>
internal static class CleanCommand
{
    public static Command Create(TextWriter output, TextWriter error)
    {
        var dead = new Option<bool>("--dead") { Description = "Only outputs of tool instances the latest successful run did not start (tools removed from the script)" };
        var dryRun = new Option<bool>("--dry-run", "-n") { Description = "Print what would be removed, remove nothing" };
        var command = new Command("clean", "Remove outputs Kiln wrote (all, or with --dead only those no longer produced)") { dead, dryRun };
        command.SetAction(p =>
        {
            var root = WorkingTreeRoot.Find(Directory.GetCurrentDirectory());
            if (root is null)
            {
                error.WriteLine($"error: current working directory not in a kiln working tree (no '{WorkingTreeRoot.MarkerName}' found)");
                return 1;
            }
            var marker = Path.Combine(root, WorkingTreeRoot.MarkerName);
            using var treeLock = PosixFileSystem.Instance.TryLock(Path.Combine(marker, "lock"));
            if (treeLock is null)
            {
                error.WriteLine($"error: cannot clean working tree '{root}/'\n  | reason: a kiln process is running in it (it holds '.kiln/lock')\n  | wait for it to finish and run again");
                return 1;
            }
            IReadOnlyList<(TreePath Path, bool Live)> outputs;
            try
            {
                outputs = RunDatabase.ReadWrittenOutputs(Path.Combine(marker, RunDatabase.FileName));
            }
            catch (RunDatabaseException e)
            {
                error.WriteLine("error: " + e.Message);
                return 1;
            }
            var removed = 0;
            foreach (var (path, live) in outputs)
            {
                if (p.GetValue(dead) && live)
                    continue;
                var native = Path.Combine(root, path.AsString().TrimEnd('/'));
                if (path.Parts[0] == WorkingTreeRoot.MarkerName || BelowSymbolicLink(root, path) || !PosixFileSystem.Instance.Lstat(native).Exists)
                    continue;
                output.WriteLine((p.GetValue(dryRun) ? "would remove " : "removed ") + TreePath.Quote(path.AsString()));
                if (!p.GetValue(dryRun))
                    PosixFileSystem.Instance.Delete(native);
                removed++;
            }
            output.WriteLine(p.GetValue(dryRun) ? $"{removed} output(s) would be removed" : $"{removed} output(s) removed");
            return 0;
        });
        return command;
    }

    /// <summary>Whether a directory on the way to <paramref name="path"/> is a symbolic link (its target may lie outside the tree).</summary>
    private static bool BelowSymbolicLink(string root, TreePath path)
    {
        var native = root;
        foreach (var part in path.Parts.Take(path.Parts.Count - 1))
        {
            native = Path.Combine(native, part);
            if (PosixFileSystem.Instance.Lstat(native).Kind != FileKind.Directory)
                return true;
        }
        return false;
    }
}
