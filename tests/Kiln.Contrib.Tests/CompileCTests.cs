namespace Kiln.Contrib.Tests;

public sealed class CompileCTests : IDisposable
{
    private readonly WorkingTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private string BuildAndRun(string compiler)
    {
        _tree.Write("include/greeting.h", "#define GREETING \"hello from C\"\n");
        _tree.Write("src/main.c", "#include <stdio.h>\n#include \"greeting.h\"\nint main(void) { puts(GREETING); return 0; }\n");
        using (_tree.Enter())
        {
            var compiled = new CompileC
            {
                Compiler = compiler,
                SourceFile = "src/main.c",
                ObjectFile = "build/main.o",
                IncludeDirectories = ["include/"],
                Standard = "c11",
                Warnings = ["all", "error"],
            }.Start();
            Assert.Equal(["include/greeting.h"], compiled.Result.IncludedFiles!.Select(p => p.AsString()));
            new LinkExecutable { Linker = compiler, ObjectFiles = [compiled.Result.ObjectFile], LinkedFile = "build/main" }.Start();
        }
        return _tree.Run("build/main");
    }

    [Fact]
    public void The_default_compiler_is_gcc()
    {
        Assert.Equal("gcc", new CompileC { SourceFile = "a.c", ObjectFile = "a.o" }.Compiler);
        Assert.Equal(Kiln.Toolchain.SourceLanguage.C, new CompileC { SourceFile = "a.c", ObjectFile = "a.o" }.Language);
    }

    [Fact]
    public void A_c_program_compiled_and_linked_by_gcc_runs_without_PATH_in_the_helper_environment()
    {
        RealCompilers.Require("gcc");
        Assert.Equal("hello from C\n", BuildAndRun("gcc"));
    }

    [Fact]
    public void A_c_program_compiled_and_linked_by_clang_runs()
    {
        RealCompilers.Require("clang");
        Assert.Equal("hello from C\n", BuildAndRun("clang"));
    }

    [Fact]
    public void System_headers_are_not_tracked()
    {
        RealCompilers.Require("gcc");
        _tree.Write("a.c", "#include <stdio.h>\nint a;\n");
        using (_tree.Enter())
            Assert.Empty(new CompileC { SourceFile = "a.c", ObjectFile = "a.o" }.Start().Result.IncludedFiles!);
    }

    [Fact]
    public void An_optimization_changed_and_changed_back_gives_the_object_of_the_option_now()
    {
        RealCompilers.Require("gcc");
        _tree.Write("a.c", "int sum(int n) { int s = 0; for (int i = 0; i < n; i++) s += i * i; return s; }\n");
        byte[] Build(string optimization, string? expectedReason)
        {
            using (_tree.Enter())
            {
                var run = new CompileC { SourceFile = "a.c", ObjectFile = "a.o", Optimization = optimization }.Start();
                Assert.Equal(expectedReason, run.Reason?.Summary);
            }
            return File.ReadAllBytes(_tree.PathOf("a.o"));
        }

        var o2 = Build("2", "redo necessary because of filesystem object: 'a.o'"); // (does not exist)
        var o3 = Build("3", "redo necessary because execution parameters have changed");
        Assert.NotEqual(o2, o3);

        Assert.Equal(o2, Build("2", "redo necessary because output was last written by another tool instance: 'a.o'"));
        Assert.Equal(o2, Build("2", null));
    }
}
