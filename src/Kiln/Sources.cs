using System.Text;
using Kiln.Paths;
using Kiln.WorkingTree;

namespace Kiln;

/// <summary>
/// What a build script may learn about the working tree outside redos: the files matching a glob pattern, the entries
/// of a directory, the text of a file. Results are working-tree paths (relative to the root, never into <c>.kiln/</c>),
/// sorted ordinally by their string form, so a script that links what it lists links in a stable order. Each call made
/// by the script (not by a redo) is recorded in the run's configuration record (<c>docs/run-database.md</c>,
/// "Configuration record"), so that a new file in a listed directory or an edit of a read file is seen as a change of
/// the configuration. In the spirit of dlb's <c>Path.list_r</c> and <c>Path.iterdir</c>.
/// </summary>
/// <example>
/// <code>
/// using var context = new Context();
/// foreach (var source in Sources.Glob("src/**/*.c", exclude: ["src/onelua.c", "src/testes/**"]))
///     new CompileC { SourceFile = source, ObjectFile = "build/" + source.AsString() + ".o" }.Start();
/// </code>
/// </example>
public static class Sources
{
    /// <summary>
    /// The files (regular files and symbolic links; directories only walked) whose paths relative to the working tree's
    /// root match <paramref name="pattern"/> and none of <paramref name="exclude"/>. Symbolic links to directories are not
    /// followed, so a walk cannot loop. Patterns: <c>*</c>, <c>?</c>, <c>[a-z]</c>, <c>[!…]</c> within a component, a
    /// whole component <c>**</c> for any number of directories; names starting with <c>.</c> are not special.
    /// </summary>
    /// <param name="pattern">E.g. <c>src/**/*.c</c>; relative to the root, or absolute inside the working tree.</param>
    /// <param name="exclude">Patterns of files to leave out, matched against the same root-relative paths (e.g. <c>src/onelua.c</c>, <c>src/testes/**</c>).</param>
    /// <returns>The matching files, sorted; empty when none match or the pattern's directory does not exist.</returns>
    /// <exception cref="ArgumentException">A pattern is not valid.</exception>
    /// <exception cref="WorkingTreePathException">The pattern's directory lies outside the working tree or in <c>.kiln/</c>.</exception>
    /// <exception cref="ContextException">No context is active.</exception>
    public static IReadOnlyList<TreePath> Glob(string pattern, IEnumerable<string>? exclude = null)
    {
        var context = Context.Active;
        var glob = GlobPattern.Parse(pattern);
        var excluded = (exclude ?? []).Select(GlobPattern.Parse).ToList();
        var (baseDirectory, rest) = Split(glob, context);
        var matches = new List<TreePath>();
        var fs = context.Run.FileSystem;
        var baseNative = ManagedPaths.Native(baseDirectory, context.RootPath);
        var record = context.Run.Configuration.Record;
        if (fs.Lstat(baseNative).Kind == FileKind.Directory)
            Walk(fs, baseNative, baseDirectory, rest, rest.Start(), excluded, matches, record);
        else
            record?.AddListedDirectory(fs, baseNative);
        var result = Sorted(matches);
        context.Run.Configuration.Record?.AddListing("glob", pattern, [.. excluded.Select(e => e.Text)], result);
        return result;
    }

    /// <summary>
    /// The entries of <paramref name="directory"/> (not recursively): files as file paths, directories (not symbolic
    /// links to them) as directory paths, sorted; <c>.kiln/</c> is never listed.
    /// </summary>
    /// <param name="directory">A directory of the working tree, e.g. <c>src/</c> (its path is taken as a directory's).</param>
    /// <exception cref="DirectoryNotFoundException">Nothing or no directory is at <paramref name="directory"/>.</exception>
    /// <exception cref="WorkingTreePathException">The directory lies outside the working tree or in <c>.kiln/</c>.</exception>
    /// <exception cref="ContextException">No context is active.</exception>
    public static IReadOnlyList<TreePath> List(TreePath directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var context = Context.Active;
        var managed = InTree(directory.WithIsDirectory(true), context, "list");
        var fs = context.Run.FileSystem;
        var native = ManagedPaths.Native(managed, context.RootPath);
        if (fs.Lstat(native).Kind != FileKind.Directory)
            throw new DirectoryNotFoundException($"cannot list {directory}: not an existing directory\n  | create it, or list another directory");
        context.Run.Configuration.Record?.AddListedDirectory(fs, native);
        var result = new List<TreePath>();
        foreach (var name in fs.List(native))
        {
            if (managed.Parts.Count == 0 && name == ManagementTree.DirectoryName)
                continue;
            var isDirectory = fs.Lstat(Path.Combine(native, name)).Kind == FileKind.Directory;
            result.Add(managed / TreePath.Parse(name, isDirectory));
        }
        var sorted = Sorted(result);
        context.Run.Configuration.Record?.AddListing("list", managed.AsString(), [], sorted);
        return sorted;
    }

    /// <summary>The text (UTF-8) of a file of the working tree, read by the build script's configuration and recorded.</summary>
    /// <param name="file">A file of the working tree, e.g. <c>VERSION</c>.</param>
    /// <exception cref="FileNotFoundException">The file does not exist.</exception>
    /// <exception cref="IOException">It cannot be read.</exception>
    /// <exception cref="WorkingTreePathException">The file lies outside the working tree or in <c>.kiln/</c>.</exception>
    /// <exception cref="ContextException">No context is active.</exception>
    public static string ReadAllText(TreePath file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var context = Context.Active;
        var managed = InTree(file.WithIsDirectory(false), context, "read");
        var fs = context.Run.FileSystem;
        var native = ManagedPaths.Native(managed, context.RootPath);
        var memo = fs.Lstat(native);
        if (!memo.Exists)
            throw new FileNotFoundException($"cannot read {file}: no such file\n  | create it, or read another file", native);
        var content = fs.ReadAllBytes(native);
        context.Run.Configuration.Record?.AddRead(native, memo, content);
        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(content);
    }

    // The leading components without wildcards name the directory the walk starts in; the rest is matched. A pattern
    // without any wildcard still matches its one file: its last component is the rest.
    private static (TreePath Base, GlobPattern Remainder) Split(GlobPattern glob, Context context)
    {
        var parts = glob.Components;
        var first = 0;
        while (first < parts.Count - 1 && !GlobPattern.HasWildcard(parts[first]) && parts[first] != GlobPattern.AnyDirectories)
            first++;
        var baseText = first == 0 ? "./" : string.Join('/', parts.Take(first)) + "/";
        var managed = InTree(TreePath.Parse(baseText, isDirectory: true), context, "list");
        var rest = string.Join('/', parts.Skip(first));
        return (managed, GlobPattern.Parse(rest));
    }

    private static TreePath InTree(TreePath path, Context context, string verb) =>
        ManagedPaths.ToManaged(path, context.RootPath, context.Run.FileSystem) ??
        throw new WorkingTreePathException($"cannot {verb} {path}: it is outside the working tree {TreePath.Quote(context.RootPath)}\n  | name a path inside the working tree (relative to its root)");

    private static void Walk(IFileSystem fs, string native, TreePath directory, GlobPattern rest, IReadOnlySet<int> positions,
        List<GlobPattern> excluded, List<TreePath> matches, ConfigurationRecord? record)
    {
        record?.AddListedDirectory(fs, native);
        foreach (var name in fs.List(native))
        {
            if (directory.Parts.Count == 0 && name == ManagementTree.DirectoryName)
                continue;
            var next = rest.Step(positions, name);
            if (next.Count == 0)
                continue;
            var entryNative = native.EndsWith('/') ? native + name : native + "/" + name;
            var kind = fs.Lstat(entryNative).Kind;
            if (kind == FileKind.Directory)
            {
                if (rest.MayDescend(next))
                    Walk(fs, entryNative, directory / TreePath.Parse(name, isDirectory: true), rest, next, excluded, matches, record);
            }
            else if ((kind is FileKind.RegularFile or FileKind.SymbolicLink) && rest.IsMatch(next))
            {
                var path = directory / TreePath.Parse(name, isDirectory: false);
                if (!excluded.Any(e => e.Matches(path.AsString())))
                    matches.Add(path);
            }
        }
    }

    private static TreePath[] Sorted(IEnumerable<TreePath> paths) => [.. paths.OrderBy(p => p.AsString(), StringComparer.Ordinal)];
}
