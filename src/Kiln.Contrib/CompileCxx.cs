// Kiln.Contrib — compile one C++ source file with g++ or clang++; the headers it includes become non-explicit
// inputs (from the compiler's -MMD depfile).
//
// Upstream:     https://gcc.gnu.org/onlinedocs/gcc-12.2.0/gcc/Invoking-G_002b_002b.html
//               https://clang.llvm.org/docs/ClangCommandLineReference.html
// Tested with:  g++ 12.2.0 (Debian 12.2.0-14), clang++ 14.0.6 (Debian)
// Executables:  g++ (default), clang++, c++ — set with Compiler
// Usage example:
//
//     using Kiln;
//     using Kiln.Contrib;
//
//     using var context = new Context(maxParallelRedoCount: 2);
//     var main = new CompileCxx
//     {
//         SourceFile = "src/main.cpp",
//         ObjectFile = "build/main.o",
//         IncludeDirectories = ["include/"],
//         Standard = "c++20",            // -std=c++20
//         Optimization = "2",            // -O2
//         Warnings = ["all"],            // -Wall
//     }.Start();
//     new LinkExecutable { Linker = "g++", ObjectFiles = [main.Result.ObjectFile], LinkedFile = "build/app" }.Start();
//
// With clang: `Compiler = "clang++"` (and `Linker = "clang++"`).

using Kiln.Toolchain;

namespace Kiln.Contrib;

/// <summary>
/// Compiles one C++ source file into an object file with g++ (default) or clang++. The headers of the working
/// tree it includes become <see cref="CompilerTool{TSelf}.IncludedFiles"/>. Options: see
/// <see cref="CompilerTool{TSelf}"/>. Link C++ objects with <c>Linker = "g++"</c> (or clang++) so that the C++
/// standard library is linked.
/// </summary>
public sealed class CompileCxx : CompilerTool<CompileCxx>
{
    /// <summary>Creates a C++ compile with the driver <c>g++</c>.</summary>
    public CompileCxx() : base(SourceLanguage.Cxx, "g++", null)
    {
    }

    /// <summary>Creates a C++ compile with the options of <paramref name="settings"/> (shared by many compiles);
    /// options set in the object initializer override them.</summary>
    /// <param name="settings">The shared options.</param>
    /// <exception cref="ToolOptionException">A shared option is not valid for this tool.</exception>
    public CompileCxx(CompileSettings settings) : base(SourceLanguage.Cxx, "g++", settings ?? throw new ArgumentNullException(nameof(settings)))
    {
    }
}
