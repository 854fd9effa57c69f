// Kiln.Contrib — compile one C source file with gcc or clang; the headers it includes become non-explicit
// inputs (from the compiler's -MMD depfile).
//
// Upstream:     https://gcc.gnu.org/onlinedocs/gcc-12.2.0/gcc/Invoking-GCC.html
//               https://clang.llvm.org/docs/ClangCommandLineReference.html
// Tested with:  gcc 12.2.0 (Debian 12.2.0-14), clang 14.0.6 (Debian)
// Executables:  gcc (default), clang, cc — set with Compiler
// Usage example:
//
//     using Kiln;
//     using Kiln.Contrib;
//
//     using var context = new Context(maxParallelRedoCount: 2);
//     var main = new CompileC
//     {
//         SourceFile = "src/main.c",
//         ObjectFile = "build/main.o",
//         IncludeDirectories = ["include/"],
//         Standard = "c11",              // -std=c11
//         Optimization = "2",            // -O2
//         Warnings = ["all", "error"],   // -Wall -Werror
//         Definitions = new Dictionary<string, string?> { ["NDEBUG"] = null },  // -DNDEBUG
//     }.Start();
//     new LinkExecutable { ObjectFiles = [main.Result.ObjectFile], LinkedFile = "build/hello" }.Start();
//
// With clang: `Compiler = "clang"`.

using Kiln.Toolchain;

namespace Kiln.Contrib;

/// <summary>
/// Compiles one C source file into an object file with gcc (default) or clang. The headers of the working tree
/// it includes become <see cref="CompilerTool{TSelf}.IncludedFiles"/>, so editing one recompiles exactly its
/// includers. Options: see <see cref="CompilerTool{TSelf}"/>.
/// </summary>
public sealed class CompileC : CompilerTool<CompileC>
{
    /// <summary>Creates a C compile with the driver <c>gcc</c>.</summary>
    public CompileC() : base(SourceLanguage.C, "gcc", null)
    {
    }

    /// <summary>Creates a C compile with the options of <paramref name="settings"/> (shared by many compiles);
    /// options set in the object initializer override them.</summary>
    /// <param name="settings">The shared options.</param>
    /// <exception cref="ToolOptionException">A shared option is not valid for this tool.</exception>
    public CompileC(CompileSettings settings) : base(SourceLanguage.C, "gcc", settings ?? throw new ArgumentNullException(nameof(settings)))
    {
    }
}
