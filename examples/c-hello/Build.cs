using Kiln;
using Kiln.Contrib;

// Builds src/main.c into build/hello with gcc: one compile (the headers gcc reports with -MMD become non-explicit
// inputs) and one link, both Kiln.Contrib tools. Run from this directory (it holds .kiln/): `dotnet run`, twice —
// the second run redoes nothing. No PATH import is needed: the tools pass gcc's directory as -B.
var root = args.Length > 0 ? args[0] : Directory.GetCurrentDirectory();
try
{
    using var context = new Context(maxParallelRedoCount: 2, rootPath: root);
    var compiled = new CompileC { SourceFile = "src/main.c", ObjectFile = "build/main.o", Optimization = "2", Warnings = ["all"] }.Start();
    new LinkExecutable { ObjectFiles = [compiled.Result.ObjectFile], LinkedFile = "build/hello" }.Start();
}
catch (Kiln.Diagnostics.KilnException e)
{
    Console.Error.WriteLine("C " + e.Message);
    return 1;
}
Console.Error.WriteLine("I finished successfully");
return 0;
