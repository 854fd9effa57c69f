// Kiln.Contrib — create a static library (archive with symbol index) from object files with GNU ar or llvm-ar.
//
// Upstream:     https://sourceware.org/binutils/docs-2.40/binutils/ar.html
//               https://llvm.org/docs/CommandGuide/llvm-ar.html
// Tested with:  GNU ar 2.40 (Debian), llvm-ar 14.0.6 (Debian)
// Executables:  ar (default), llvm-ar — set with Archiver
// Usage example:
//
//     using Kiln;
//     using Kiln.Contrib;
//
//     using var context = new Context(maxParallelRedoCount: 2);
//     var greet = new CompileC { SourceFile = "lib/greet.c", ObjectFile = "build/obj/greet.o" }.Start();
//     var library = new Archive { ObjectFiles = [greet.Result.ObjectFile], ArchiveFile = "build/libgreet.a" }.Start();
//     new LinkExecutable { ObjectFiles = ["build/obj/main.o"], LibraryFiles = [library.Result.ArchiveFile], LinkedFile = "build/hello" }.Start();

using Kiln.Paths;
using Kiln.Toolchain;
using Kiln.Tools;

namespace Kiln.Contrib;

/// <summary>
/// Archives <see cref="ObjectFiles"/> into the static library <see cref="ArchiveFile"/>:
/// <c>ar rcsD &lt;archive&gt; &lt;objects…&gt;</c> into a fresh temporary (so no stale member survives), deterministic
/// (<c>D</c>: no timestamps), so an unchanged set of objects leaves the archive — and its consumers — untouched.
/// </summary>
public sealed class Archive : Tool<Archive>, ICacheableTool
{
    /// <summary>The members, in order (at least one).</summary>
    [Input.RegularFile(MinCount = 1)]
    public required IReadOnlyList<TreePath> ObjectFiles { get; init; }

    /// <summary>The archive written, e.g. <c>build/libgreet.a</c>. Kept untouched when the new one is identical.</summary>
    [Output.RegularFile(ReplaceBySameContent = false)]
    public required TreePath ArchiveFile { get; init; }

    /// <summary>The archiver: a helper name looked up on the PATH captured by the root context, or a path.</summary>
    /// <exception cref="ToolOptionException">Empty or contains spaces.</exception>
    [ExecutionParameter]
    public string Archiver { get; init => field = OptionCheck.Helper(GetType(), nameof(Archiver), value); } = "ar";

    /// <summary>The action-cache key fact of an archive: the archiver's <c>--version</c> line (null, so not shared, when it fails).</summary>
    /// <param name="context">The redo's context.</param>
    /// <param name="cancellationToken">Not used: a probe is short.</param>
    public Task<IReadOnlyList<string>?> CacheKeyFactsAsync(RedoContext context, CancellationToken cancellationToken)
    {
        var version = CacheFacts.Version(Context.Active.Helper[Archiver]);
        return Task.FromResult<IReadOnlyList<string>?>(version is null ? null : ["archiver " + version]);
    }

    /// <inheritdoc/>
    protected override async Task<bool> RedoAsync(Archive result, RedoContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        using var directory = context.Temporary(isDirectory: true);
        var archive = TreePath.Parse(directory.Path.AsString() + "a.a");
        await context.RunHelperAsync(Archiver, CompilerArguments.Archive(ObjectFiles.Select(Arguments.Of), Arguments.Of(archive))).ConfigureAwait(false);
        context.ReplaceOutput(ArchiveFile, archive);
        return false;
    }
}
