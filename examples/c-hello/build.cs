#:project ../../src/Kiln.Contrib/Kiln.Contrib.csproj
// Builds src/main.c into build/hello with gcc: one compile (the headers gcc reports with -MMD become non-explicit
// inputs) and one link, both Kiln.Contrib tools. Build with `kiln build` in this directory, twice: the second run
// redoes nothing. No PATH import is needed: the tools pass gcc's directory as -B. (`dotnet run build.cs` runs it too.)
using Kiln;
using Kiln.Contrib;

using var context = new Context(maxParallelRedoCount: 2);
var compiled = new CompileC { SourceFile = "src/main.c", ObjectFile = "build/main.o", Optimization = "2", Warnings = ["all"] }.Start();
new LinkExecutable { ObjectFiles = [compiled.Result.ObjectFile], LinkedFile = "build/hello" }.Start();
