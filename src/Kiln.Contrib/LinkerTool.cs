// Kiln.Contrib — what LinkExecutable and LinkSharedLibrary share: a link by the gcc or clang driver.
//
// Upstream:     https://gcc.gnu.org/onlinedocs/gcc-12.2.0/gcc/Link-Options.html
//               https://sourceware.org/binutils/docs-2.40/ld/Options.html
// Tested with:  gcc 12.2.0 with GNU ld 2.40 (Debian), clang 14.0.6 (Debian)
// Executables:  gcc (default), g++, clang, clang++ — set with Linker
// Usage example: see LinkExecutable.cs and LinkSharedLibrary.cs.
//
// How a redo links (dlb_contrib.gcc's pattern): `<driver> -B<driver dir>/ … -o <tmp> <objects> <libraries>
// -L… -l… -Wl,-rpath,…` in the root, then the temporary replaces LinkedFile only when its content differs
// (ReplaceBySameContent = false): GNU ld output is deterministic, so relinking unchanged objects changes nothing
// downstream.

using Kiln.Paths;
using Kiln.Toolchain;
using Kiln.Tools;

namespace Kiln.Contrib;

/// <summary>
/// Base of <see cref="LinkExecutable"/> and <see cref="LinkSharedLibrary"/>. Each option maps to exactly one kind of
/// argument.
/// </summary>
/// <typeparam name="TSelf">The concrete tool class.</typeparam>
public abstract class LinkerTool<TSelf> : Tool<TSelf>, ICacheableTool where TSelf : LinkerTool<TSelf>
{
    private protected LinkerTool()
    {
    }

    /// <summary>Object files, in link order (at least one). Their arguments: the paths, after <c>-o</c>.</summary>
    [Input.RegularFile(MinCount = 1)]
    public required IReadOnlyList<TreePath> ObjectFiles { get; init; }

    /// <summary>
    /// Static archives and shared libraries of the working tree, in link order, after the object files (their
    /// arguments: the paths). Link a shared library built with a <see cref="LinkSharedLibrary.SharedObjectName"/>,
    /// so that the executable records that name rather than the path.
    /// </summary>
    [Input.RegularFile(Required = false)]
    public IReadOnlyList<TreePath>? LibraryFiles { get; init; }

    /// <summary>The file written. Kept untouched when a redo produces identical bytes.</summary>
    [Output.RegularFile(ReplaceBySameContent = false)]
    public required TreePath LinkedFile { get; init; }

    /// <summary>
    /// The driver: a helper name looked up on the PATH captured by the root context, or a path; <c>g++</c> or
    /// <c>clang++</c> for C++ objects. Its directory is passed as <c>-B&lt;dir&gt;/</c> so that it finds <c>ld</c>
    /// without PATH.
    /// </summary>
    /// <exception cref="ToolOptionException">Empty or contains spaces.</exception>
    [ExecutionParameter]
    public string Linker { get; init => field = OptionCheck.Helper(GetType(), nameof(Linker), value); } = "gcc";

    /// <summary>Library search directories: one <c>-L&lt;dir&gt;</c> each.</summary>
    [ExecutionParameter]
    public IReadOnlyList<string> LibraryDirectories { get; init => field = OptionCheck.Paths(GetType(), nameof(LibraryDirectories), value); } = [];

    /// <summary>Libraries by name, e.g. <c>["m", "pthread"]</c>: one <c>-l&lt;name&gt;</c> each, after the files.</summary>
    /// <exception cref="ToolOptionException">A name starts with '-' or contains spaces.</exception>
    [ExecutionParameter]
    public IReadOnlyList<string> Libraries { get; init => field = OptionCheck.Libraries(GetType(), nameof(Libraries), value); } = [];

    /// <summary>Run-time search path entries, e.g. <c>["$ORIGIN"]</c>: one <c>-Wl,-rpath,&lt;dir&gt;</c> each.</summary>
    /// <exception cref="ToolOptionException">An entry contains ','.</exception>
    [ExecutionParameter]
    public IReadOnlyList<string> RunPathDirectories { get; init => field = OptionCheck.RunPaths(GetType(), nameof(RunPathDirectories), value); } = [];

    /// <summary>
    /// Options for the linker itself: one <c>-Wl,&lt;value&gt;</c> each, in order, e.g. <c>["--as-needed", "-z,now"]</c>
    /// (the driver splits a value at commas).
    /// </summary>
    /// <exception cref="ToolOptionException">A value is empty or contains spaces.</exception>
    [ExecutionParameter]
    public IReadOnlyList<string> LinkerArguments { get; init => field = OptionCheck.LinkerArguments(GetType(), nameof(LinkerArguments), value); } = [];

    /// <summary>Anything else, verbatim, before <c>-o</c> (e.g. <c>["-pthread"]</c>).</summary>
    [ExecutionParameter]
    public IReadOnlyList<string> ExtraArguments { get; init => field = OptionCheck.Verbatim(GetType(), nameof(ExtraArguments), value); } = [];

    /// <summary>The typed options as <see cref="Kiln.Toolchain"/> takes them.</summary>
    public virtual LinkOptions ToLinkOptions() => new()
    {
        LibraryDirectories = LibraryDirectories,
        Libraries = Libraries,
        RunPathDirectories = RunPathDirectories,
        LinkerArguments = LinkerArguments,
        ExtraArguments = ExtraArguments,
    };

    /// <summary>
    /// The action-cache key facts of a link: the driver's identity (with its <c>-m…</c> flags expanded) and the version of
    /// the <c>ld</c> beside it. Libraries found by <c>-l</c> outside the working tree are not part of the key (as they are
    /// not inputs of the redo decision either). Null, so not shared, when the driver does not run.
    /// </summary>
    /// <param name="context">The redo's context.</param>
    /// <param name="cancellationToken">Not used: a probe is short.</param>
    public Task<IReadOnlyList<string>?> CacheKeyFactsAsync(RedoContext context, CancellationToken cancellationToken)
    {
        var driver = Arguments.Driver(Linker).Path;
        var facts = CacheFacts.Compiler(driver, SourceLanguage.C, CacheFacts.TargetFlags(ExtraArguments));
        if (facts is null)
            return Task.FromResult<IReadOnlyList<string>?>(null);
        var ld = System.IO.Path.Combine(System.IO.Path.GetDirectoryName(driver) ?? "/", "ld");
        return Task.FromResult<IReadOnlyList<string>?>([.. facts, "linker " + (File.Exists(ld) ? CacheFacts.Version(ld) ?? "unknown" : "unknown")]);
    }

    /// <inheritdoc/>
    protected sealed override async Task<bool> RedoAsync(TSelf result, RedoContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (driver, prefix) = Arguments.Driver(Linker);
        using var output = context.Temporary();
        var inputs = ObjectFiles.Concat(LibraryFiles ?? []).Select(Arguments.Of);
        await context.RunHelperAsync(driver, [prefix, .. Arguments.Color(context), .. CompilerArguments.Link(ToLinkOptions(), inputs, Arguments.Of(output.Path))]).ConfigureAwait(false);
        context.ReplaceOutput(LinkedFile, output.Path);
        return false;
    }
}
