// Kiln.Contrib — compile every source file under a directory in parallel, then link them.
//
// Upstream:     (none: a composition of CompileC/CompileCxx and LinkExecutable/LinkSharedLibrary/Archive)
// Tested with:  gcc 12.2.0, clang 14.0.6 (Debian)
// Executables:  those of the tools it starts
// Usage example:
//
//     using Kiln;
//     using Kiln.Contrib;
//
//     using var context = new Context(maxParallelRedoCount: Environment.ProcessorCount);
//     CompileAndLink.Start("src/", ".c", "build/obj/",
//         (source, obj) => new CompileC { SourceFile = source, ObjectFile = obj, IncludeDirectories = ["include/"] },
//         objects => new LinkExecutable { ObjectFiles = objects, LinkedFile = "build/app" });
//
// Parallelism is the context's: every compile is started before the first is waited for, so up to
// MaxParallelRedoCount compiles run at once; the link starts when all have completed.

using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Contrib;

/// <summary>"Compile every source under a directory in parallel, then link", in the active context.</summary>
public static class CompileAndLink
{
    /// <summary>
    /// The regular files under <paramref name="sourceDirectory"/> (recursively, outside <c>.kiln/</c>) whose names
    /// end in <paramref name="suffix"/>, as working-tree paths in ordinal order (so the link order is stable):
    /// <see cref="Sources.Glob"/> of <c>directory/**/*suffix</c>, recorded as it is. For exclusions, call it directly.
    /// </summary>
    /// <param name="sourceDirectory">A directory of the working tree, e.g. <c>src/</c>.</param>
    /// <param name="suffix">The file name suffix, e.g. <c>.c</c>.</param>
    /// <exception cref="DirectoryNotFoundException">The directory does not exist.</exception>
    public static IReadOnlyList<TreePath> FindSources(TreePath sourceDirectory, string suffix)
    {
        ArgumentNullException.ThrowIfNull(sourceDirectory);
        ArgumentException.ThrowIfNullOrEmpty(suffix);
        var directory = Path.GetFullPath(Arguments.Of(sourceDirectory), Context.Active.RootPath);
        if (!Directory.Exists(directory))
            throw new DirectoryNotFoundException($"source directory does not exist: {sourceDirectory}");
        return Sources.Glob(Literal(sourceDirectory.WithIsDirectory(true).AsString()) + "**/*" + Literal(suffix));
    }

    // A glob pattern that matches exactly the text: each wildcard character in a one-character class.
    private static string Literal(string text) =>
        string.Concat(text.Select(c => c is '*' or '?' or '[' ? $"[{c}]" : c.ToString()));

    /// <summary>
    /// The object file of <paramref name="sourceFile"/>: <paramref name="objectDirectory"/> + its path relative to
    /// <paramref name="sourceDirectory"/>, named by <paramref name="naming"/>: <c>src/net/io.c</c> →
    /// <c>build/obj/net/io.c.o</c> (<see cref="ObjectNaming.AppendSuffix"/>, the default, so <c>a.c</c> and <c>a.cpp</c> do
    /// not collide) or <c>build/obj/net/io.o</c> (<see cref="ObjectNaming.ReplaceSuffix"/>, as make names them).
    /// </summary>
    public static TreePath ObjectFileOf(TreePath sourceFile, TreePath sourceDirectory, TreePath objectDirectory, ObjectNaming naming = ObjectNaming.AppendSuffix)
    {
        ArgumentNullException.ThrowIfNull(sourceFile);
        ArgumentNullException.ThrowIfNull(sourceDirectory);
        ArgumentNullException.ThrowIfNull(objectDirectory);
        var relative = Path.GetRelativePath(Arguments.Of(sourceDirectory), Arguments.Of(sourceFile));
        if (naming == ObjectNaming.ReplaceSuffix)
            relative = Path.ChangeExtension(relative, null);
        return TreePath.Parse(Arguments.Of(objectDirectory) + "/" + relative + ".o", isDirectory: false);
    }

    /// <summary>
    /// Starts one compile per source found by <see cref="FindSources"/>, without waiting for any: they run in
    /// parallel up to the active context's <see cref="Context.MaxParallelRedoCount"/>.
    /// </summary>
    /// <param name="sourceDirectory">Where the sources are, e.g. <c>src/</c>.</param>
    /// <param name="suffix">Their suffix, e.g. <c>.c</c>.</param>
    /// <param name="objectDirectory">Where the objects go, e.g. <c>build/obj/</c>.</param>
    /// <param name="createCompile">Creates the compile of a source into an object file (see <see cref="ObjectFileOf"/>).</param>
    /// <param name="naming">How the object files are named (see <see cref="ObjectFileOf"/>).</param>
    /// <returns>The started compiles, in source order.</returns>
    /// <exception cref="ToolOptionException">Two sources would write one object file (<see cref="ObjectNaming.ReplaceSuffix"/>).</exception>
    public static IReadOnlyList<StartedRun<TCompile>> CompileAll<TCompile>(TreePath sourceDirectory, string suffix, TreePath objectDirectory,
        Func<TreePath, TreePath, TCompile> createCompile, ObjectNaming naming = ObjectNaming.AppendSuffix) where TCompile : CompilerTool<TCompile>
    {
        ArgumentNullException.ThrowIfNull(createCompile);
        var sources = FindSources(sourceDirectory, suffix);
        var objects = sources.Select(source => ObjectFileOf(source, sourceDirectory, objectDirectory, naming)).ToList();
        var firstSourceOf = new Dictionary<TreePath, TreePath>();
        for (var i = 0; i < sources.Count; i++)
        {
            if (!firstSourceOf.TryAdd(objects[i], sources[i]))
                throw new ToolOptionException(typeof(CompileAndLink), nameof(naming), naming.ToString(),
                    $"gives {sources[i]} and {firstSourceOf[objects[i]]} the one object file {objects[i]}; use ObjectNaming.AppendSuffix or rename one");
        }
        return [.. sources.Select((source, i) => createCompile(source, objects[i]).Start())];
    }

    /// <summary>
    /// <see cref="CompileAll"/>, then waits for every compile (rethrowing the first failure) and starts the tool
    /// made by <paramref name="createLink"/> from the object files in source order.
    /// </summary>
    /// <param name="sourceDirectory">Where the sources are, e.g. <c>src/</c>.</param>
    /// <param name="suffix">Their suffix, e.g. <c>.c</c>.</param>
    /// <param name="objectDirectory">Where the objects go, e.g. <c>build/obj/</c>.</param>
    /// <param name="createCompile">Creates the compile of a source into an object file.</param>
    /// <param name="createLink">Creates the link (or archive) of the object files.</param>
    /// <param name="naming">How the object files are named (see <see cref="ObjectFileOf"/>).</param>
    /// <exception cref="ToolOptionException">No source was found (a link needs at least one object), or two sources would
    /// write one object file.</exception>
    public static StartedRun<TLink> Start<TCompile, TLink>(TreePath sourceDirectory, string suffix, TreePath objectDirectory,
        Func<TreePath, TreePath, TCompile> createCompile, Func<IReadOnlyList<TreePath>, TLink> createLink, ObjectNaming naming = ObjectNaming.AppendSuffix)
        where TCompile : CompilerTool<TCompile> where TLink : Tool<TLink>
    {
        ArgumentNullException.ThrowIfNull(createLink);
        var compiles = CompileAll(sourceDirectory, suffix, objectDirectory, createCompile, naming);
        if (compiles.Count == 0)
            throw new ToolOptionException(typeof(CompileAndLink), "sourceDirectory", sourceDirectory.AsString(), $"contains no file ending in '{suffix}'; check the directory and the suffix");
        return createLink([.. compiles.Select(c => c.Result.ObjectFile)]).Start();
    }
}
