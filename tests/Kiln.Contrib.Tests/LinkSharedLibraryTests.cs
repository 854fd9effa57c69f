namespace Kiln.Contrib.Tests;

public sealed class LinkSharedLibraryTests : IDisposable
{
    private readonly WorkingTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Shared_and_the_shared_object_name_come_first()
    {
        var fake = new FakeCompiler(_tree.HelperDirectory);
        _tree.Write("a.o", "a");
        using (_tree.Enter())
            new LinkSharedLibrary { Linker = fake.Path, ObjectFiles = ["a.o"], SharedObjectName = "liba.so.1", LinkedFile = "liba.so" }.Start();
        Assert.Equal(["-shared", "-Wl,-soname,liba.so.1", "-o"], Assert.Single(fake.Calls)[1..4]);
    }

    [Fact]
    public void An_executable_linked_against_a_shared_library_of_the_tree_finds_it_by_run_path()
    {
        RealCompilers.Require("gcc");
        _tree.Write("lib/greet.c", "#include <stdio.h>\nvoid greet(void) { puts(\"hello from a shared library\"); }\n");
        _tree.Write("src/main.c", "void greet(void);\nint main(void) { greet(); return 0; }\n");
        using (_tree.Enter(maxParallelRedoCount: 2))
        {
            var greet = new CompileC { SourceFile = "lib/greet.c", ObjectFile = "build/pic/greet.o", PositionIndependent = true }.Start();
            var main = new CompileC { SourceFile = "src/main.c", ObjectFile = "build/main.o" }.Start();
            var library = new LinkSharedLibrary { ObjectFiles = [greet.Result.ObjectFile], SharedObjectName = "libgreet.so", LinkedFile = "build/libgreet.so" }.Start();
            new LinkExecutable
            {
                ObjectFiles = [main.Result.ObjectFile],
                LibraryFiles = [library.Result.LinkedFile],
                RunPathDirectories = ["$ORIGIN"],
                LinkedFile = "build/app",
            }.Start();
        }
        Assert.Equal("hello from a shared library\n", _tree.Run("build/app"));
    }

    [Fact]
    public void Clang_links_a_shared_library_too()
    {
        RealCompilers.Require("clang");
        _tree.Write("lib/one.c", "int one(void) { return 1; }\n");
        using (_tree.Enter())
        {
            var one = new CompileC { Compiler = "clang", SourceFile = "lib/one.c", ObjectFile = "build/one.o", PositionIndependent = true }.Start();
            new LinkSharedLibrary { Linker = "clang", ObjectFiles = [one.Result.ObjectFile], LinkedFile = "build/libone.so" }.Start();
        }
        Assert.Equal("\x7f" + "ELF", _tree.Read("build/libone.so")[..4]);
    }
}
