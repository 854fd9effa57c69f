namespace Kiln.Toolchain;

/// <summary>
/// Typed options of one link by the gcc or clang driver. Each option maps to exactly one kind of argument (see
/// <see cref="CompilerArguments.Link"/>).
/// </summary>
public sealed record LinkOptions
{
    /// <summary>Link a shared library instead of an executable: <c>-shared</c> when true.</summary>
    public bool Shared { get; init; }

    /// <summary>The shared library's <c>DT_SONAME</c>: <c>-Wl,-soname,&lt;value&gt;</c>; none when null.</summary>
    public string? SharedObjectName { get; init; }

    /// <summary>Library search directories: one <c>-L&lt;dir&gt;</c> each, in order.</summary>
    public IReadOnlyList<string> LibraryDirectories { get; init; } = [];

    /// <summary>Libraries by name: one <c>-l&lt;name&gt;</c> each, in order, after the input files.</summary>
    public IReadOnlyList<string> Libraries { get; init; } = [];

    /// <summary>Run-time search path entries: one <c>-Wl,-rpath,&lt;dir&gt;</c> each (<c>$ORIGIN</c> is kept literally).</summary>
    public IReadOnlyList<string> RunPathDirectories { get; init; } = [];

    /// <summary>Options for the linker itself: one <c>-Wl,&lt;value&gt;</c> each, in order, before <c>-o</c> (e.g.
    /// <c>--as-needed</c>, <c>-z,now</c>; the driver splits a value at commas).</summary>
    public IReadOnlyList<string> LinkerArguments { get; init; } = [];

    /// <summary>Anything else, verbatim, before <c>-o</c>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
