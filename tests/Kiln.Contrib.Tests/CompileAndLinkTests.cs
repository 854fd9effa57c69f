namespace Kiln.Contrib.Tests;

public sealed class CompileAndLinkTests : IDisposable
{
    private readonly WorkingTree _tree = new();

    public void Dispose() => _tree.Dispose();

    [Fact]
    public void Sources_are_found_recursively_by_suffix_in_ordinal_order()
    {
        _tree.Write("src/b.c", "");
        _tree.Write("src/a.c", "");
        _tree.Write("src/net/io.c", "");
        _tree.Write("src/a.h", "");
        _tree.Write("src/x.cc", "");
        using (_tree.Enter())
            Assert.Equal(["src/a.c", "src/b.c", "src/net/io.c"], CompileAndLink.FindSources("src/", ".c").Select(p => p.AsString()));
    }

    [Fact]
    public void An_object_file_keeps_the_source_path_below_the_object_directory()
    {
        Assert.Equal("build/obj/net/io.c.o", CompileAndLink.ObjectFileOf("src/net/io.c", "src/", "build/obj/").AsString());
        Assert.Equal("obj/main.cpp.o", CompileAndLink.ObjectFileOf("main.cpp", "./", "obj/").AsString());
    }

    [Fact]
    public void Every_source_is_compiled_in_parallel_then_linked_and_a_second_build_redoes_nothing()
    {
        RealCompilers.Require("gcc");
        _tree.Write("include/parts.h", "int one(void);\nint two(void);\n");
        _tree.Write("src/main.c", "#include <stdio.h>\n#include \"parts.h\"\nint main(void) { printf(\"%d\\n\", one() + two()); return 0; }\n");
        _tree.Write("src/parts/one.c", "#include \"parts.h\"\nint one(void) { return 1; }\n");
        _tree.Write("src/parts/two.c", "#include \"parts.h\"\nint two(void) { return 2; }\n");
        _tree.Settle();
        int Build()
        {
            using (_tree.Enter(maxParallelRedoCount: 2))
            {
                var compiles = CompileAndLink.CompileAll("src/", ".c", "build/obj/",
                    (source, obj) => new CompileC { SourceFile = source, ObjectFile = obj, IncludeDirectories = ["include/"] });
                var link = new LinkExecutable { ObjectFiles = [.. compiles.Select(c => c.Result.ObjectFile)], LinkedFile = "build/app" }.Start();
                return compiles.Count(c => c.IsRedo) + (link.IsRedo ? 1 : 0);
            }
        }
        Assert.Equal(4, Build());
        Assert.Equal("3\n", _tree.Run("build/app"));
        Assert.True(File.Exists(_tree.PathOf("build/obj/parts/one.c.o")));
        Assert.Equal(0, Build());
    }

    [Fact]
    public void Start_links_the_objects_in_source_order()
    {
        var fake = new FakeCompiler(_tree.HelperDirectory);
        _tree.Write("src/b.c", "int b;\n");
        _tree.Write("src/a.c", "int a;\n");
        using (_tree.Enter(maxParallelRedoCount: 2))
        {
            var link = CompileAndLink.Start("src/", ".c", "build/obj/",
                (source, obj) => new CompileC { Compiler = fake.Path, SourceFile = source, ObjectFile = obj },
                objects => new LinkExecutable { Linker = fake.Path, ObjectFiles = objects, LinkedFile = "build/app" });
            Assert.Equal(["build/obj/a.c.o", "build/obj/b.c.o"], link.Result.ObjectFiles.Select(p => p.AsString()));
        }
        Assert.Equal(3, fake.Calls.Count);
    }

    [Fact]
    public void A_directory_without_sources_is_one_clear_error()
    {
        Directory.CreateDirectory(_tree.PathOf("src"));
        var e = Assert.Throws<ToolOptionException>(() =>
        {
            using (_tree.Enter())
                CompileAndLink.Start("src/", ".c", "build/obj/",
                    (source, obj) => new CompileC { SourceFile = source, ObjectFile = obj },
                    objects => new LinkExecutable { ObjectFiles = objects, LinkedFile = "build/app" });
        });
        Assert.Equal("invalid value for option 'sourceDirectory' of CompileAndLink: 'src/'\n  | reason: contains no file ending in '.c'; check the directory and the suffix", e.Message);
    }

    [Fact]
    public void Object_files_named_as_make_names_them_drop_the_source_suffix()
    {
        Assert.Equal("build/obj/net/io.o", CompileAndLink.ObjectFileOf("src/net/io.c", "src/", "build/obj/", ObjectNaming.ReplaceSuffix).AsString());
        Assert.Equal("obj/lvm.o", CompileAndLink.ObjectFileOf("lvm.c", "./", "obj/", ObjectNaming.ReplaceSuffix).AsString());
    }

    [Fact]
    public void Two_sources_that_would_share_an_object_file_are_refused_before_any_compile_starts()
    {
        _tree.Write("src/a.c", "");
        _tree.Write("src/a.cc", "");
        var e = Assert.Throws<ToolOptionException>(() =>
        {
            using (_tree.Enter())
                CompileAndLink.CompileAll("src/", "c", "build/obj/",
                    (source, obj) => new CompileC { SourceFile = source, ObjectFile = obj }, ObjectNaming.ReplaceSuffix);
        });
        Assert.Equal("invalid value for option 'naming' of CompileAndLink: 'ReplaceSuffix'\n  | reason: gives 'src/a.cc' and 'src/a.c' the one object file 'build/obj/a.o'; use ObjectNaming.AppendSuffix or rename one", e.Message);
        Assert.False(Directory.Exists(_tree.PathOf("build")));
    }
}
