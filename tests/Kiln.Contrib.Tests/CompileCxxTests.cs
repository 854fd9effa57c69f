namespace Kiln.Contrib.Tests;

public sealed class CompileCxxTests : IDisposable
{
    private readonly WorkingTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private string BuildAndRun(string compiler)
    {
        _tree.Write("src/greeting.hpp", "#include <string>\ninline std::string greeting() { return \"hello from C++\"; }\n");
        _tree.Write("src/main.cpp", "#include <iostream>\n#include \"greeting.hpp\"\nint main() { std::cout << greeting() << '\\n'; }\n");
        using (_tree.Enter())
        {
            var compiled = new CompileCxx { Compiler = compiler, SourceFile = "src/main.cpp", ObjectFile = "build/main.o", Standard = "c++17" }.Start();
            Assert.Equal(["src/greeting.hpp"], compiled.Result.IncludedFiles!.Select(p => p.AsString()));
            new LinkExecutable { Linker = compiler, ObjectFiles = [compiled.Result.ObjectFile], LinkedFile = "build/main" }.Start();
        }
        return _tree.Run("build/main");
    }

    [Fact]
    public void The_default_compiler_is_gxx_and_the_language_is_given_with_x()
    {
        var fake = new FakeCompiler(_tree.HelperDirectory);
        _tree.Write("a.inc", "int a;\n");
        Assert.Equal("g++", new CompileCxx { SourceFile = "a.cpp", ObjectFile = "a.o" }.Compiler);
        using (_tree.Enter())
            new CompileCxx { Compiler = fake.Path, SourceFile = "a.inc", ObjectFile = "a.o" }.Start();
        Assert.Equal(["-x", "c++"], fake.Calls[0][1..3]);
    }

    [Fact]
    public void A_cxx_program_compiled_and_linked_by_gxx_runs()
    {
        RealCompilers.Require("g++");
        Assert.Equal("hello from C++\n", BuildAndRun("g++"));
    }

    [Fact]
    public void A_cxx_program_compiled_and_linked_by_clangxx_runs()
    {
        RealCompilers.Require("clang++");
        Assert.Equal("hello from C++\n", BuildAndRun("clang++"));
    }
}
