using Kiln.Paths;
using Kiln.Toolchain;

namespace Kiln.Contrib;

/// <summary>From a compiler's depfile to the non-explicit inputs of a compile (dlb_contrib.gnumake's rule).</summary>
internal static class DepfileInputs
{
    /// <summary>
    /// The prerequisites of <paramref name="depfile"/> except the source itself, as working-tree paths, each
    /// once, in depfile order. Paths outside the working tree (system and third-party headers) and inside its
    /// management tree are left out: only what the working tree holds is tracked.
    /// </summary>
    /// <param name="depfile">The parsed depfile.</param>
    /// <param name="sourceFile">The compiled source.</param>
    /// <param name="rootPath">Absolute native root, ending in <c>/</c>.</param>
    public static TreePath[] From(Depfile depfile, TreePath sourceFile, string rootPath)
    {
        var root = rootPath.EndsWith('/') ? rootPath : rootPath + "/";
        var source = Path.GetFullPath(Arguments.Of(sourceFile), root);
        var result = new List<TreePath>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var prerequisite in depfile.Prerequisites)
        {
            // Lexical resolution of '..': a header path from the compiler names the file it opened.
            var full = Path.GetFullPath(prerequisite, root);
            if (full == source || !full.StartsWith(root, StringComparison.Ordinal))
                continue;
            var relative = full[root.Length..];
            if (relative == ".kiln" || relative.StartsWith(".kiln/", StringComparison.Ordinal) || !seen.Add(relative))
                continue;
            result.Add(TreePath.Parse(relative, isDirectory: false));
        }
        return [.. result];
    }
}
