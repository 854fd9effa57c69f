using Kiln.Paths;
using Kiln.Rebuild;
using Kiln.Store;
using Kiln.WorkingTree;

namespace Kiln;

/// <summary>
/// The observe step for what the last redo depended on: the current state of each non-explicit input of a recorded
/// <see cref="Trace"/>. Needs only a file system and the root (no <see cref="Context"/>, no scheduling), so that
/// everything deciding "up to date" is this, <see cref="ExplicitDependencies"/>' memos and <see cref="RedoRules"/>.
/// </summary>
internal static class RecordedInputs
{
    /// <summary>
    /// The non-explicit inputs of <paramref name="trace"/> that are not explicit inputs now, each with its memo now
    /// (inaccessible: a memo of kind <see cref="FileKind.Other"/> and size -1, which differs from any stored memo), and
    /// the stored paths that do not decode.
    /// </summary>
    public static (List<ObservedInput> Inputs, List<string> Undecodable) Observe(IFileSystem fs, string root, Trace? trace, HashSet<TreePath> explicitInputPaths)
    {
        var inputs = new List<ObservedInput>();
        var undecodable = new List<string>();
        if (trace is null)
            return (inputs, undecodable);
        foreach (var input in trace.Inputs)
        {
            if (input.IsExplicit)
                continue;
            var path = RunDatabase.DecodePath(input.EncodedPath);
            if (path is null)
            {
                undecodable.Add(input.EncodedPath);
                continue;
            }
            if (explicitInputPaths.Contains(path))
                continue;
            FileMemo memo;
            try
            {
                memo = fs.Lstat(ManagedPaths.Native(path, root));
            }
            catch (IOException)
            {
                memo = FileMemo.Missing with { Kind = FileKind.Other, Size = -1 };
            }
            inputs.Add(new ObservedInput(path, input.EncodedPath, false, memo));
        }
        return (inputs, undecodable);
    }
}
