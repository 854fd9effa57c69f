// Kiln.Contrib — what the C and C++ compile tools (CompileC, CompileCxx) share: one translation unit with
// gcc or clang, the headers it read (as the compiler reports them with -MMD) as non-explicit inputs.
//
// Upstream:     https://gcc.gnu.org/onlinedocs/gcc-12.2.0/gcc/Invoking-GCC.html
//               https://clang.llvm.org/docs/ClangCommandLineReference.html
// Tested with:  gcc 12.2.0 (Debian 12.2.0-14), clang 14.0.6 (Debian)
// Executables:  gcc, g++, clang, clang++ (any driver that accepts -x -c -o -MMD -MT -MF -B as gcc does)
// Usage example: see CompileC.cs and CompileCxx.cs.
//
// How a redo compiles (dlb_contrib.gcc's pattern): in .kiln/t/, `<driver> -B<driver dir>/ -x c … -c -o <tmp>.o
// -MMD -MT _ -MF <tmp>.d <source>` in the root; the depfile's prerequisites inside the working tree become
// IncludedFiles; the object replaces ObjectFile only when its content differs (ReplaceBySameContent = false),
// so a comment-only edit does not relink.

using Kiln.Paths;
using Kiln.Toolchain;
using Kiln.Tools;

namespace Kiln.Contrib;

/// <summary>
/// Base of the compile tools <see cref="CompileC"/> and <see cref="CompileCxx"/>: compiles <see cref="SourceFile"/>
/// into <see cref="ObjectFile"/> with a gcc-compatible driver. Each option maps to exactly one kind of argument.
/// </summary>
/// <typeparam name="TSelf">The concrete tool class.</typeparam>
public abstract class CompilerTool<TSelf> : Tool<TSelf>, IDescribesCompilation, ICacheableTool where TSelf : CompilerTool<TSelf>
{
    private protected CompilerTool(SourceLanguage language, string defaultCompiler, CompileSettings? settings)
    {
        Language = language;
        Compiler = settings?.Compiler ?? defaultCompiler;
        if (settings is null)
            return;
        // Through the init accessors, so a bad shared value fails naming this tool and the option.
        IncludeDirectories = settings.IncludeDirectories;
        Standard = settings.Standard;
        Optimization = settings.Optimization;
        DebugInformation = settings.DebugInformation;
        PositionIndependent = settings.PositionIndependent;
        Features = settings.Features;
        Warnings = settings.Warnings;
        Definitions = settings.Definitions;
        ExtraArguments = settings.ExtraArguments;
    }

    /// <summary>The language, fixed by the tool class: <c>-x c</c> or <c>-x c++</c>.</summary>
    public SourceLanguage Language { get; }

    /// <summary>The translation unit. Its argument: the path, last.</summary>
    [Input.RegularFile]
    public required TreePath SourceFile { get; init => field = OptionCheck.DepfilePath(GetType(), nameof(SourceFile), value); }

    /// <summary>The object file written. Kept untouched when a redo produces identical bytes.</summary>
    [Output.RegularFile(ReplaceBySameContent = false)]
    public required TreePath ObjectFile { get; init => field = OptionCheck.DepfilePath(GetType(), nameof(ObjectFile), value); }

    /// <summary>
    /// Include search directories of the working tree, e.g. <c>["include/"]</c>: one <c>-I&lt;dir&gt;</c> each, in
    /// order. Those of the working tree are input dependencies: adding or removing a file in one causes a redo (a
    /// new header may shadow an old one). Absolute directories outside the working tree are passed but not tracked.
    /// </summary>
    [Input.Directory(Required = false)]
    public IReadOnlyList<TreePath>? IncludeDirectories { get; init; }

    /// <summary>
    /// Assigned by the redo: the files of the working tree the compiler read besides <see cref="SourceFile"/>
    /// (from its <c>-MMD</c> depfile). Editing or deleting one causes a redo of exactly the compiles that read it.
    /// </summary>
    [Input.RegularFile(Explicit = false)]
    public IReadOnlyList<TreePath>? IncludedFiles { get; set; }

    /// <summary>
    /// The compiler driver: a helper name looked up on the PATH captured by the root context (or assigned with
    /// <c>Context.Active.Helper[name] = path</c>), or a path. Its directory is passed as <c>-B&lt;dir&gt;/</c>.
    /// </summary>
    /// <exception cref="ToolOptionException">Empty or contains spaces.</exception>
    [ExecutionParameter]
    public string Compiler { get; init => field = OptionCheck.Helper(GetType(), nameof(Compiler), value); }

    /// <summary>Language standard: <c>-std=&lt;value&gt;</c>, e.g. <c>c11</c> or <c>c++20</c>; none when null.</summary>
    /// <exception cref="ToolOptionException">Not a standard name.</exception>
    [ExecutionParameter]
    public string? Standard { get; init => field = OptionCheck.Standard(GetType(), nameof(Standard), value); }

    /// <summary>Optimisation level: <c>-O&lt;value&gt;</c>, one of 0, 1, 2, 3, s, z, fast, g; none when null.</summary>
    /// <exception cref="ToolOptionException">Not one of those.</exception>
    [ExecutionParameter]
    public string? Optimization { get; init => field = OptionCheck.Optimization(GetType(), nameof(Optimization), value); }

    /// <summary>Debugging information: <c>-g</c> when true.</summary>
    [ExecutionParameter]
    public bool DebugInformation { get; init; }

    /// <summary>Position-independent code, needed for objects of a shared library: <c>-fPIC</c> when true.</summary>
    [ExecutionParameter]
    public bool PositionIndependent { get; init; }

    /// <summary>
    /// Code generation and language features: one <c>-f&lt;value&gt;</c> each, in order, e.g.
    /// <c>["no-common", "visibility=hidden"]</c> (<see cref="PositionIndependent"/> is <c>-fPIC</c>).
    /// </summary>
    /// <exception cref="ToolOptionException">A name starts with '-' or contains spaces.</exception>
    [ExecutionParameter]
    public IReadOnlyList<string> Features { get; init => field = OptionCheck.Features(GetType(), nameof(Features), value); } = [];

    /// <summary>Warnings: one <c>-W&lt;value&gt;</c> each, e.g. <c>["all", "extra", "error"]</c>.</summary>
    /// <exception cref="ToolOptionException">A name starts with '-' or contains spaces.</exception>
    [ExecutionParameter]
    public IReadOnlyList<string> Warnings { get; init => field = OptionCheck.Warnings(GetType(), nameof(Warnings), value); } = [];

    /// <summary>
    /// Macro definitions: <c>-D&lt;name&gt;</c> for a null value, <c>-D&lt;name&gt;=&lt;value&gt;</c> otherwise, ordered by
    /// name. <see cref="Macros.Of"/> writes them as on a command line: <c>Macros.Of("NDEBUG", "VERSION=3")</c>.
    /// </summary>
    /// <exception cref="ToolOptionException">A name is not an identifier (with optional parameter list).</exception>
    [ExecutionParameter]
    public IReadOnlyDictionary<string, string?> Definitions { get; init => field = OptionCheck.Definitions(GetType(), nameof(Definitions), value); } = new Dictionary<string, string?>();

    /// <summary>Anything else, verbatim, after the options above (e.g. <c>["-pthread"]</c>).</summary>
    [ExecutionParameter]
    public IReadOnlyList<string> ExtraArguments { get; init => field = OptionCheck.Verbatim(GetType(), nameof(ExtraArguments), value); } = [];

    /// <summary>
    /// Set on the result of a redo: the command as run (with its temporary output and depfile), for traces and
    /// logs. Null on results without a redo; use <see cref="DescribeCommand"/> for those.
    /// </summary>
    public CompileCommand? ExecutedCommand { get; private set; }

    /// <summary>The typed options as <see cref="Kiln.Toolchain"/> takes them.</summary>
    public CompileOptions ToCompileOptions() => new()
    {
        Language = Language,
        Standard = Standard,
        Optimization = Optimization,
        DebugInformation = DebugInformation,
        PositionIndependent = PositionIndependent,
        Features = Features,
        Warnings = Warnings,
        IncludeDirectories = [.. (IncludeDirectories ?? []).Select(Arguments.Of)],
        Definitions = Definitions,
        ExtraArguments = ExtraArguments,
    };

    /// <summary>
    /// The compile as a compilation database entry, for <c>compile_commands.json</c>: directory = the root,
    /// output = <see cref="ObjectFile"/>, without the depfile request. Needs no redo; resolves the helper in the
    /// active context.
    /// </summary>
    /// <exception cref="KeyNotFoundException">The compiler is not found.</exception>
    public CompileCommand DescribeCommand()
    {
        var (path, prefix) = Arguments.Driver(Compiler);
        var source = Arguments.Of(SourceFile);
        var output = Arguments.Of(ObjectFile);
        var root = Context.Active.RootPath;
        return new CompileCommand(root.Length > 1 ? root.TrimEnd('/') : root,
            [path, prefix, .. CompilerArguments.Compile(ToCompileOptions(), source, output, depfile: null)], source, output);
    }

    /// <summary>The entry of this compile in the run's <c>.kiln/compile_commands.json</c> (see <see cref="DescribeCommand"/>).</summary>
    public CompilationEntry DescribeCompilation()
    {
        var command = DescribeCommand();
        return new CompilationEntry(command.Directory, command.Arguments, command.File, command.Output);
    }

    /// <summary>
    /// The action-cache key facts of a compile: the compiler's identity with <c>-march=native</c> expanded (null, so not
    /// shared, when the compiler cannot name the native CPU), and with debugging information but no
    /// <c>-fdebug-prefix-map</c>/<c>-ffile-prefix-map</c>, the working tree's path, which the object then records.
    /// </summary>
    /// <param name="context">The redo's context.</param>
    /// <param name="cancellationToken">Not used: a probe is short.</param>
    public Task<IReadOnlyList<string>?> CacheKeyFactsAsync(RedoContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var facts = CacheFacts.Compiler(Arguments.Driver(Compiler).Path, Language, CacheFacts.TargetFlags(ExtraArguments));
        if (facts is null)
            return Task.FromResult<IReadOnlyList<string>?>(null);
        var debug = DebugInformation || ExtraArguments.Any(a => a.StartsWith("-g", StringComparison.Ordinal) && a != "-g0");
        var mapped = Features.Concat(ExtraArguments).Any(a => a.Contains("debug-prefix-map=", StringComparison.Ordinal) || a.Contains("file-prefix-map=", StringComparison.Ordinal));
        return Task.FromResult<IReadOnlyList<string>?>(debug && !mapped ? [.. facts, "working-tree " + context.RootPath] : facts);
    }

    /// <inheritdoc/>
    protected sealed override async Task<bool> RedoAsync(TSelf result, RedoContext context)
    {
        ArgumentNullException.ThrowIfNull(result);
        ArgumentNullException.ThrowIfNull(context);
        var (driver, prefix) = Arguments.Driver(Compiler);
        using var obj = context.Temporary(".o");
        using var dep = context.Temporary(".d");
        var source = Arguments.Of(SourceFile);
        List<string> args = [prefix, .. Arguments.Color(context), .. CompilerArguments.Compile(ToCompileOptions(), source, Arguments.Of(obj.Path), Arguments.Of(dep.Path))];
        ((CompilerTool<TSelf>)result).ExecutedCommand = new CompileCommand(Arguments.WorkingDirectory(context), [driver, .. args], source, Arguments.Of(ObjectFile));
        await context.RunHelperAsync(driver, args).ConfigureAwait(false);
        Depfile depfile;
        try
        {
            depfile = Depfile.Read(context.NativePathOf(dep.Path));
        }
        catch (DepfileFormatException e)
        {
            // The depfile is a temporary the user never sees: the message without its path (the inner one) is enough.
            throw new RedoException($"cannot track the files the compile of {SourceFile} read\n  | reason: compiler's depfile, {(e.InnerException as DepfileFormatException ?? e).Message}");
        }
        result.IncludedFiles = DepfileInputs.From(depfile, SourceFile, context.RootPath);
        context.ReplaceOutput(ObjectFile, obj.Path);
        return false;
    }
}
