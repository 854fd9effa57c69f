// Kiln.Contrib — link object files and libraries into an executable with the gcc or clang driver.
//
// Upstream:     https://gcc.gnu.org/onlinedocs/gcc-12.2.0/gcc/Link-Options.html
// Tested with:  gcc 12.2.0 with GNU ld 2.40 (Debian), clang 14.0.6 (Debian)
// Executables:  gcc (default), g++, clang, clang++ — set with Linker
// Usage example:
//
//     using Kiln;
//     using Kiln.Contrib;
//
//     using var context = new Context(maxParallelRedoCount: 2);
//     var main = new CompileC { SourceFile = "src/main.c", ObjectFile = "build/main.o" }.Start();
//     new LinkExecutable
//     {
//         ObjectFiles = [main.Result.ObjectFile],       // waits for the compile
//         LibraryFiles = ["build/libgreet.so"],         // in-tree libraries, after the objects
//         Libraries = ["m"],                            // -lm
//         RunPathDirectories = ["$ORIGIN"],             // -Wl,-rpath,$ORIGIN
//         LinkedFile = "build/hello",
//     }.Start();

namespace Kiln.Contrib;

/// <summary>
/// Links <see cref="LinkerTool{TSelf}.ObjectFiles"/> and <see cref="LinkerTool{TSelf}.LibraryFiles"/> into the
/// executable <see cref="LinkerTool{TSelf}.LinkedFile"/>. Options: see <see cref="LinkerTool{TSelf}"/>.
/// </summary>
public sealed class LinkExecutable : LinkerTool<LinkExecutable>;
