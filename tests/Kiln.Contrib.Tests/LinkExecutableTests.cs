namespace Kiln.Contrib.Tests;

public sealed class LinkExecutableTests : IDisposable
{
    private readonly WorkingTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Each_option_maps_to_one_argument_after_the_files_it_concerns()
    {
        var fake = new FakeCompiler(_tree.HelperDirectory);
        _tree.Write("build/a.o", "a");
        _tree.Write("build/b.o", "b");
        _tree.Write("build/libx.a", "x");
        using (_tree.Enter())
        {
            new LinkExecutable
            {
                Linker = fake.Path,
                ObjectFiles = ["build/a.o", "build/b.o"],
                LibraryFiles = ["build/libx.a"],
                LibraryDirectories = ["/opt/lib"],
                Libraries = ["m", "pthread"],
                RunPathDirectories = ["$ORIGIN"],
                ExtraArguments = ["-pthread"],
                LinkedFile = "build/app",
            }.Start();
        }
        var args = Assert.Single(fake.Calls);
        Assert.Equal(
            ["-B" + _tree.HelperDirectory + "/", "-pthread", "-o", "<tmp>", "build/a.o", "build/b.o", "build/libx.a",
             "-L/opt/lib", "-lm", "-lpthread", "-Wl,-rpath,$ORIGIN"],
            args.Select(a => a.StartsWith(".kiln/t/", StringComparison.Ordinal) ? "<tmp>" : a));
        Assert.StartsWith("fake link", _tree.Read("build/app"), StringComparison.Ordinal);
    }

    [Fact]
    public void The_default_linker_is_gcc_and_at_least_one_object_is_required()
    {
        Assert.Equal("gcc", new LinkExecutable { ObjectFiles = ["a.o"], LinkedFile = "a" }.Linker);
        var e = Assert.Throws<DependencyException>(() =>
        {
            using (_tree.Enter())
                new LinkExecutable { ObjectFiles = [], LinkedFile = "a" }.Start();
        });
        Assert.StartsWith("value for dependency role 'ObjectFiles' is invalid\n  | reason: value has 0 members", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_objects_and_libm_link_into_a_program_that_runs()
    {
        RealCompilers.Require("gcc");
        _tree.Write("src/root.c", "#include <math.h>\ndouble root(double x) { return sqrt(x); }\n");
        _tree.Write("src/main.c", "#include <stdio.h>\ndouble root(double);\nint main(int argc, char **argv) { (void)argv; printf(\"%.1f\\n\", root(16.0 * argc)); return 0; }\n");
        using (_tree.Enter(maxParallelRedoCount: 2))
        {
            var root = new CompileC { SourceFile = "src/root.c", ObjectFile = "build/root.o" }.Start();
            var main = new CompileC { SourceFile = "src/main.c", ObjectFile = "build/main.o" }.Start();
            new LinkExecutable { ObjectFiles = [main.Result.ObjectFile, root.Result.ObjectFile], Libraries = ["m"], LinkedFile = "build/app" }.Start();
        }
        Assert.Equal("4.0\n", _tree.Run("build/app"));
    }
}
