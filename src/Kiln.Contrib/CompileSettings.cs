// Kiln.Contrib — options shared by many compiles: one value, given to each compile's constructor.
//
// Usage example:
//
//     var common = new CompileSettings
//     {
//         IncludeDirectories = ["src/"],
//         Standard = "c99",
//         Optimization = "2",
//         Warnings = ["all", "extra"],
//         Definitions = Macros.Of("LUA_COMPAT_5_3", "LUA_USE_LINUX"),
//     };
//     new CompileC(common) { SourceFile = "src/lvm.c", ObjectFile = "build/obj/lvm.o" }.Start();
//     new CompileC(common with { Optimization = "0" }) { SourceFile = "src/ldo.c", ObjectFile = "build/obj/ldo.o" }.Start();
//
// Why a constructor argument and not a property: every public settable property of a tool is a dependency role or an
// execution parameter (the engine refuses others), and an object initializer runs after the constructor, so an option
// written on the compile itself overrides the shared value whatever the order of the lines.

using Kiln.Paths;

namespace Kiln.Contrib;

/// <summary>
/// The options of <see cref="CompilerTool{TSelf}"/> as one <c>with</c>-able value, for options shared by many compiles:
/// pass it to the compile's constructor (<c>new CompileC(common) { … }</c>); an option set in the object initializer
/// overrides the shared one. Each property means what the compile's property of the same name means; null or empty
/// leaves the compile's default. Values are validated when a compile takes them, naming the compile and the option.
/// </summary>
public sealed record CompileSettings
{
    /// <summary>See <see cref="CompilerTool{TSelf}.Compiler"/>; null keeps the tool's default driver.</summary>
    public string? Compiler { get; init; }

    /// <summary>See <see cref="CompilerTool{TSelf}.IncludeDirectories"/>.</summary>
    public IReadOnlyList<TreePath>? IncludeDirectories { get; init; }

    /// <summary>See <see cref="CompilerTool{TSelf}.Standard"/>.</summary>
    public string? Standard { get; init; }

    /// <summary>See <see cref="CompilerTool{TSelf}.Optimization"/>.</summary>
    public string? Optimization { get; init; }

    /// <summary>See <see cref="CompilerTool{TSelf}.DebugInformation"/>.</summary>
    public bool DebugInformation { get; init; }

    /// <summary>See <see cref="CompilerTool{TSelf}.PositionIndependent"/>.</summary>
    public bool PositionIndependent { get; init; }

    /// <summary>See <see cref="CompilerTool{TSelf}.Features"/>.</summary>
    public IReadOnlyList<string> Features { get; init; } = [];

    /// <summary>See <see cref="CompilerTool{TSelf}.Warnings"/>.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    /// <summary>See <see cref="CompilerTool{TSelf}.Definitions"/>; <see cref="Macros.Of"/> writes them as gcc's <c>-D</c> does.</summary>
    public IReadOnlyDictionary<string, string?> Definitions { get; init; } = new Dictionary<string, string?>();

    /// <summary>See <see cref="CompilerTool{TSelf}.ExtraArguments"/>.</summary>
    public IReadOnlyList<string> ExtraArguments { get; init; } = [];
}
