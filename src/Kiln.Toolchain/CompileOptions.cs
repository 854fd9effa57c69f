namespace Kiln.Toolchain;

/// <summary>
/// Typed options of one gcc or clang compile. Each option maps to exactly one kind of argument (see
/// <see cref="CompilerArguments.Compile"/>); nothing is added behind the caller's back except <c>-c</c>,
/// <c>-o</c> and the depfile request.
/// </summary>
public sealed record CompileOptions
{
    /// <summary>The source language: <c>-x c</c> or <c>-x c++</c> (so the file suffix does not matter).</summary>
    public SourceLanguage Language { get; init; }

    /// <summary>Language standard: <c>-std=&lt;value&gt;</c> (e.g. <c>c11</c>, <c>gnu17</c>, <c>c++20</c>); none when null.</summary>
    public string? Standard { get; init; }

    /// <summary>Optimisation level: <c>-O&lt;value&gt;</c> with value 0, 1, 2, 3, s, z, fast or g; none when null.</summary>
    public string? Optimization { get; init; }

    /// <summary>Debugging information: <c>-g</c> when true.</summary>
    public bool DebugInformation { get; init; }

    /// <summary>Position-independent code for shared libraries: <c>-fPIC</c> when true.</summary>
    public bool PositionIndependent { get; init; }

    /// <summary>Code generation and language features: one <c>-f&lt;value&gt;</c> each, in order (e.g. <c>no-common</c>,
    /// <c>visibility=hidden</c>).</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>Warnings: one <c>-W&lt;value&gt;</c> each, in order (e.g. <c>all</c>, <c>extra</c>, <c>error</c>, <c>no-unused</c>).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>Include search directories: one <c>-I&lt;dir&gt;</c> each, in order.</summary>
    public IReadOnlyList<string> IncludeDirectories { get; init; } = [];

    /// <summary>
    /// Macro definitions: one <c>-D&lt;name&gt;</c> (null value) or <c>-D&lt;name&gt;=&lt;value&gt;</c> each, ordered
    /// by name (ordinal) so that the command line does not depend on the dictionary's order.
    /// </summary>
    public IReadOnlyDictionary<string, string?> Definitions { get; init; } = new Dictionary<string, string?>();

    /// <summary>Anything else, verbatim, after the options above and before <c>-c</c>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
