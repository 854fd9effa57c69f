#:project ../../src/Kiln.Contrib/Kiln.Contrib.csproj
// Builds the library in lib/ twice — as the static library build/libgreet.a and as the shared library
// build/libgreet.so (position-independent objects, DT_SONAME libgreet.so) — and links app/main.c against each:
// build/hello-static and build/hello-shared (which finds the library beside itself through the run path $ORIGIN).
// The lib/ sources are compiled in parallel by CompileAndLink.CompileAll, all with one CompileSettings value.
// Build with `kiln build` in this directory (or `dotnet run build.cs`).
using Kiln;
using Kiln.Contrib;

using var context = new Context(maxParallelRedoCount: Environment.ProcessorCount);
var common = new CompileSettings { Standard = "c11", Optimization = "2", Warnings = ["all", "extra", "error"] };

var staticObjects = CompileAndLink.CompileAll("lib/", ".c", "build/obj/",
    (source, obj) => new CompileC(common) { SourceFile = source, ObjectFile = obj }, ObjectNaming.ReplaceSuffix);
var sharedObjects = CompileAndLink.CompileAll("lib/", ".c", "build/pic/",
    (source, obj) => new CompileC(common with { PositionIndependent = true }) { SourceFile = source, ObjectFile = obj }, ObjectNaming.ReplaceSuffix);
var app = common with { IncludeDirectories = ["lib/"] };
var mainStatic = new CompileC(app with { Definitions = Macros.Of("LINKAGE=\"statically\"") })
    { SourceFile = "app/main.c", ObjectFile = "build/obj/main-static.o" }.Start();
var mainShared = new CompileC(app with { Definitions = Macros.Of("LINKAGE=\"dynamically\"") })
    { SourceFile = "app/main.c", ObjectFile = "build/obj/main-shared.o" }.Start();

var archive = new Archive { ObjectFiles = [.. staticObjects.Select(c => c.Result.ObjectFile)], ArchiveFile = "build/libgreet.a" }.Start();
var shared = new LinkSharedLibrary
{
    ObjectFiles = [.. sharedObjects.Select(c => c.Result.ObjectFile)],
    SharedObjectName = "libgreet.so",
    LinkedFile = "build/libgreet.so",
}.Start();

new LinkExecutable { ObjectFiles = [mainStatic.Result.ObjectFile], LibraryFiles = [archive.Result.ArchiveFile], LinkedFile = "build/hello-static" }.Start();
new LinkExecutable
{
    ObjectFiles = [mainShared.Result.ObjectFile],
    LibraryFiles = [shared.Result.LinkedFile],
    RunPathDirectories = ["$ORIGIN"],
    LinkedFile = "build/hello-shared",
}.Start();
