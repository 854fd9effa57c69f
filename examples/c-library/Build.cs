using Kiln;
using Kiln.Contrib;

// Builds the library in lib/ twice — as the static library build/libgreet.a and as the shared library
// build/libgreet.so (position-independent objects, DT_SONAME libgreet.so) — and links app/main.c against each:
// build/hello-static and build/hello-shared (which finds the library beside itself through the run path $ORIGIN).
// The lib/ sources are compiled in parallel by CompileAndLink.CompileAll. Run from this directory: `dotnet run`.
var root = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
try
{
    using var context = new Context(maxParallelRedoCount: Environment.ProcessorCount, rootPath: root);
    string[] warnings = ["all", "extra", "error"];

    var staticObjects = CompileAndLink.CompileAll("lib/", ".c", "build/obj/",
        (source, obj) => new CompileC { SourceFile = source, ObjectFile = obj, Standard = "c11", Optimization = "2", Warnings = warnings });
    var sharedObjects = CompileAndLink.CompileAll("lib/", ".c", "build/pic/",
        (source, obj) => new CompileC { SourceFile = source, ObjectFile = obj, Standard = "c11", Optimization = "2", Warnings = warnings, PositionIndependent = true });
    var mainStatic = new CompileC
    {
        SourceFile = "app/main.c", ObjectFile = "build/obj/main-static.o", IncludeDirectories = ["lib/"], Warnings = warnings,
        Definitions = new Dictionary<string, string?> { ["LINKAGE"] = "\"statically\"" },
    }.Start();
    var mainShared = new CompileC
    {
        SourceFile = "app/main.c", ObjectFile = "build/obj/main-shared.o", IncludeDirectories = ["lib/"], Warnings = warnings,
        Definitions = new Dictionary<string, string?> { ["LINKAGE"] = "\"dynamically\"" },
    }.Start();

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
}
catch (Kiln.Diagnostics.KilnException e)
{
    Console.Error.WriteLine("C " + e.Message);
    return 1;
}
Console.Error.WriteLine("I finished successfully");
return 0;
