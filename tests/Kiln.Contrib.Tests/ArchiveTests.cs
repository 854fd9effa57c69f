namespace Kiln.Contrib.Tests;

public sealed class ArchiveTests : IDisposable
{
    private readonly WorkingTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void The_archiver_gets_the_deterministic_create_command_and_a_fresh_temporary()
    {
        var fake = new FakeCompiler(_tree.HelperDirectory, "fakear");
        _tree.Write("a.o", "a");
        _tree.Write("b.o", "b");
        using (_tree.Enter())
            new Archive { Archiver = fake.Path, ObjectFiles = ["a.o", "b.o"], ArchiveFile = "build/libab.a" }.Start();
        var args = Assert.Single(fake.Calls);
        Assert.Equal("rcsD", args[0]);
        Assert.Matches(@"^\.kiln/t/[^/]+/a\.a$", args[1]);
        Assert.Equal(["a.o", "b.o"], args[2..]);
        Assert.Equal("fake archive of a.o b.o\n", _tree.Read("build/libab.a"));
    }

    [Theory]
    [InlineData("ar")]
    [InlineData("llvm-ar")]
    public void A_static_library_links_into_a_program_and_an_identical_rebuild_keeps_it(string archiver)
    {
        RealCompilers.Require("gcc");
        RealCompilers.Require(archiver);
        _tree.Write("lib/two.c", "int two(void) { return 2; }\n");
        _tree.Write("src/main.c", "#include <stdio.h>\nint two(void);\nint main(void) { printf(\"%d\\n\", two()); return 0; }\n");
        _tree.Settle();
        (bool Archived, bool Linked) Build(bool forceArchive = false)
        {
            using (_tree.Enter())
            {
                var two = new CompileC { SourceFile = "lib/two.c", ObjectFile = "build/two.o" }.Start();
                var main = new CompileC { SourceFile = "src/main.c", ObjectFile = "build/main.o" }.Start();
                var library = new Archive { Archiver = archiver, ObjectFiles = [two.Result.ObjectFile], ArchiveFile = "build/libtwo.a" }.Start(forceArchive);
                var app = new LinkExecutable { ObjectFiles = [main.Result.ObjectFile], LibraryFiles = [library.Result.ArchiveFile], LinkedFile = "build/app" }.Start();
                return (library.IsRedo, app.IsRedo);
            }
        }
        Assert.Equal((true, true), Build());
        Assert.Equal("2\n", _tree.Run("build/app"));
        _tree.TakeOutput();
        Assert.Equal((true, false), Build(forceArchive: true));
        Assert.Contains("kept regular file because replacement has same content: 'build/libtwo.a'", _tree.TakeOutput(), StringComparison.Ordinal);
    }
}
