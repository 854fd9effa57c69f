// Kiln.Contrib — link position-independent object files into a shared library with the gcc or clang driver.
//
// Upstream:     https://gcc.gnu.org/onlinedocs/gcc-12.2.0/gcc/Link-Options.html (-shared),
//               https://sourceware.org/binutils/docs-2.40/ld/Options.html (-soname)
// Tested with:  gcc 12.2.0 with GNU ld 2.40 (Debian), clang 14.0.6 (Debian)
// Executables:  gcc (default), g++, clang, clang++ — set with Linker
// Usage example:
//
//     using Kiln;
//     using Kiln.Contrib;
//
//     using var context = new Context(maxParallelRedoCount: 2);
//     var greet = new CompileC { SourceFile = "lib/greet.c", ObjectFile = "build/pic/greet.o", PositionIndependent = true }.Start();
//     new LinkSharedLibrary
//     {
//         ObjectFiles = [greet.Result.ObjectFile],
//         SharedObjectName = "libgreet.so",             // -Wl,-soname,libgreet.so
//         LinkedFile = "build/libgreet.so",
//     }.Start();

using Kiln.Toolchain;

namespace Kiln.Contrib;

/// <summary>
/// Links <see cref="LinkerTool{TSelf}.ObjectFiles"/> (compiled with
/// <see cref="CompilerTool{TSelf}.PositionIndependent"/>) into the shared library
/// <see cref="LinkerTool{TSelf}.LinkedFile"/>: <c>-shared</c>. Options: see <see cref="LinkerTool{TSelf}"/>.
/// </summary>
public sealed class LinkSharedLibrary : LinkerTool<LinkSharedLibrary>
{
    /// <summary>
    /// The library's <c>DT_SONAME</c>, the name executables linked against it record and look up at run time:
    /// <c>-Wl,-soname,&lt;value&gt;</c>; none when null (then they record the path given to the linker).
    /// </summary>
    /// <exception cref="ToolOptionException">Contains ',', '/' or spaces.</exception>
    [Kiln.Tools.ExecutionParameter]
    public string? SharedObjectName { get; init => field = OptionCheck.SharedObjectName(GetType(), nameof(SharedObjectName), value); }

    /// <inheritdoc/>
    public override LinkOptions ToLinkOptions() => base.ToLinkOptions() with { Shared = true, SharedObjectName = SharedObjectName };
}
