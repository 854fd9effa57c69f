using Kiln.Paths;

namespace Kiln.WorkingTree;

/// <summary>
/// Turns paths given by build scripts into managed-tree paths: relative to the root, normalised, outside
/// <c>.kiln/</c>. <c>..</c> components are collapsed only where the prefix before them is not a symbolic link
/// (otherwise the collapsed path could name another object).
/// </summary>
internal static class ManagedPaths
{
    /// <summary>
    /// The managed-tree path of <paramref name="path"/>, or null for an absolute path outside the working tree.
    /// </summary>
    /// <exception cref="WorkingTreePathException">An upwards path, a path through a symbolic link that cannot be collapsed, or a path into <c>.kiln/</c>.</exception>
    public static TreePath? ToManaged(TreePath path, string rootNative, IFileSystem fs, bool allowTemporary = false)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(rootNative);
        rootNative = WithTrailingSlash(rootNative);
        var root = TreePath.Parse(rootNative);
        var relative = path;
        if (path.IsAbsolute)
        {
            if (!path.StartsWith(root))
                return null;
            relative = path.RelativeTo(root);
        }

        if (!relative.IsNormalized)
            relative = Collapse(relative, path, rootNative, fs);

        if (relative.Parts.Count > 0 && relative.Parts[0] == ManagementTree.DirectoryName)
        {
            var isTemporary = relative.Parts.Count > 2 && relative.Parts[1] == "t";
            if (!(allowTemporary && isTemporary))
                throw new WorkingTreePathException($"path in non-permitted part of the working tree: {path}");
        }
        return relative;
    }

    private static TreePath Collapse(TreePath relative, TreePath original, string rootNative, IFileSystem fs)
    {
        var parts = new List<string>();
        foreach (var c in relative.Parts)
        {
            if (c != "..")
            {
                parts.Add(c);
                continue;
            }
            if (parts.Count == 0)
                throw new WorkingTreePathException($"is an upwards path: {original}");
            var prefix = rootNative + string.Join('/', parts);
            if (fs.Lstat(prefix).Kind == FileKind.SymbolicLink)
                throw new WorkingTreePathException($"not a collapsable path, since this is a symbolic link: {TreePath.Quote(string.Join('/', parts))}");
            parts.RemoveAt(parts.Count - 1);
        }
        if (parts.Count == 0)
            return TreePath.Root;
        return TreePath.Parse(string.Join('/', parts) + (relative.IsDirectory ? "/" : ""));
    }

    /// <summary>The absolute native path of a managed-tree path.</summary>
    public static string Native(TreePath managed, string rootNative)
    {
        ArgumentNullException.ThrowIfNull(managed);
        ArgumentNullException.ThrowIfNull(rootNative);
        return managed.IsAbsolute ? managed.AsString() : WithTrailingSlash(rootNative) + (managed.Parts.Count == 0 ? "" : managed.AsString());
    }

    private static string WithTrailingSlash(string rootNative) => rootNative.EndsWith('/') ? rootNative : rootNative + "/";
}
