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
    /// <param name="path">A path given by a build script or a redo.</param>
    /// <param name="rootNative">The working tree's root.</param>
    /// <param name="fs">Tells symbolic links from directories when collapsing <c>..</c>.</param>
    /// <param name="allowTemporary">A path under <c>.kiln/t/</c> is accepted.</param>
    /// <param name="managementTreeIsOutside">An absolute path into <c>.kiln/</c> is null, as one outside the working tree, rather than an
    /// error: a discovered input there is ignored, as dlb does (a ported tool may report what its helper read in <c>.kiln/t/</c>).</param>
    /// <exception cref="WorkingTreePathException">An upwards path, a path through a symbolic link that cannot be collapsed, a path into <c>.kiln/</c>,
    /// or a path too long for the operating system.</exception>
    public static TreePath? ToManaged(TreePath path, string rootNative, IFileSystem fs, bool allowTemporary = false, bool managementTreeIsOutside = false)
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

        CheckFileSystemLimits(relative, rootNative);
        if (!relative.IsNormalized)
            relative = Collapse(relative, path, rootNative, fs);

        if (relative.Parts.Count > 0 && relative.Parts[0] == ManagementTree.DirectoryName)
        {
            var isTemporary = relative.Parts.Count > 2 && relative.Parts[1] == "t";
            if (!(allowTemporary && isTemporary))
            {
                if (managementTreeIsOutside && path.IsAbsolute)
                    return null;
                throw new WorkingTreePathException($"path in non-permitted part of the working tree: {path}");
            }
        }
        return relative;
    }

    /// <summary>Linux's <c>NAME_MAX</c>: bytes of one path component.</summary>
    public const int MaxComponentBytes = 255;

    /// <summary>Linux's <c>PATH_MAX</c> less the terminating NUL: bytes of an absolute path.</summary>
    public const int MaxPathBytes = 4095;

    private static readonly System.Text.UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // Names the kernel cannot take (too long) or that would reach it as another name (not Unicode). Checked before
    // any lstat: the kernel's ENAMETOOLONG would be an I/O error without the role, or (below a missing directory) no
    // error at all until a redo fails to write the output.
    private static void CheckFileSystemLimits(TreePath relative, string rootNative)
    {
        foreach (var part in relative.Parts)
        {
            int bytes;
            try
            {
                bytes = StrictUtf8.GetByteCount(part);
            }
            catch (System.Text.EncoderFallbackException)
            {
                // A lone UTF-16 surrogate: the system call would get U+FFFD in its place and name another file.
                throw new WorkingTreePathException($"component {TreePath.QuoteShortened(part, 60)} is not valid Unicode (a lone surrogate): no file name can hold it");
            }
            if (bytes > MaxComponentBytes)
                throw new WorkingTreePathException($"component {TreePath.QuoteShortened(part, 60)} has {bytes} bytes; a file name has at most {MaxComponentBytes} (NAME_MAX): shorten it");
        }
        var length = System.Text.Encoding.UTF8.GetByteCount(rootNative) + StrictUtf8.GetByteCount(relative.AsString());
        if (length > MaxPathBytes)
            throw new WorkingTreePathException($"has {length} bytes as an absolute path; a path has at most {MaxPathBytes} (PATH_MAX): shorten it");
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
