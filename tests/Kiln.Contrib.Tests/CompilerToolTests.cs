using Kiln.Tools;

namespace Kiln.Contrib.Tests;

/// <summary>What every compile tool does (shown with <see cref="CompileC"/>): arguments, headers from depfiles, redos.</summary>
public sealed class CompilerToolTests : IDisposable
{
    private readonly WorkingTree _tree = new();
    private readonly FakeCompiler _fake;

    public CompilerToolTests() => _fake = new FakeCompiler(_tree.HelperDirectory);

    public void Dispose() => _tree.Dispose();

    private CompileC Fake(string source, string obj) => new() { Compiler = _fake.Path, SourceFile = source, ObjectFile = obj };

    [Fact]
    public void Each_option_maps_to_one_argument_in_a_fixed_order()
    {
        _tree.Write("src/a.c", "int a;\n");
        Directory.CreateDirectory(_tree.PathOf("include"));
        using (_tree.Enter())
        {
            new CompileC
            {
                Compiler = _fake.Path,
                SourceFile = "src/a.c",
                ObjectFile = "build/a.o",
                IncludeDirectories = ["include/"],
                Standard = "c11",
                Optimization = "2",
                DebugInformation = true,
                PositionIndependent = true,
                Warnings = ["all", "error"],
                Definitions = new Dictionary<string, string?> { ["VERSION"] = "3", ["NDEBUG"] = null },
                ExtraArguments = ["-pthread"],
            }.Start();
        }
        var args = Assert.Single(_fake.Calls);
        Assert.Equal(
            ["-B" + _tree.HelperDirectory + "/", "-x", "c", "-std=c11", "-O2", "-g", "-fPIC", "-Wall", "-Werror", "-Iinclude",
             "-DNDEBUG", "-DVERSION=3", "-pthread", "-c", "-o", "<tmp>.o", "-MMD", "-MT", "_", "-MF", "<tmp>.d", "src/a.c"],
            args.Select(a => a.StartsWith(".kiln/t/", StringComparison.Ordinal) ? "<tmp>" + Path.GetExtension(a) : a));
    }

    [Fact]
    public void Without_options_only_the_language_and_the_compile_request_are_passed()
    {
        _tree.Write("a.c", "int a;\n");
        using (_tree.Enter())
            Fake("a.c", "a.o").Start();
        var args = Assert.Single(_fake.Calls);
        Assert.Equal(["-x", "c", "-c", "-o"], args[1..5]);
        Assert.Equal("a.c", args[^1]);
    }

    [Fact]
    public void An_include_directory_outside_the_working_tree_is_passed_but_not_tracked()
    {
        _tree.Write("a.c", "int a;\n");
        using (_tree.Enter())
            Assert.True(new CompileC { Compiler = _fake.Path, SourceFile = "a.c", ObjectFile = "a.o", IncludeDirectories = [_tree.HelperDirectory + "/"] }.Start());
        Assert.Contains("-I" + _tree.HelperDirectory, _fake.Calls[0]);
        File.WriteAllText(Path.Combine(_tree.HelperDirectory, "new.h"), "");
        using (_tree.Enter())
            Assert.False(new CompileC { Compiler = _fake.Path, SourceFile = "a.c", ObjectFile = "a.o", IncludeDirectories = [_tree.HelperDirectory + "/"] }.Start());
    }

    [Fact]
    public void Headers_of_the_working_tree_named_in_the_depfile_become_included_files()
    {
        _tree.Write("src/a.c", "// depends: include/a.h /usr/include/stdio.h my\\ dir/b.h src/../include/a.h\nint a;\n");
        _tree.Write("include/a.h", "");
        _tree.Write("my dir/b.h", "");
        CompileC result;
        using (_tree.Enter())
            result = Fake("src/a.c", "build/a.o").Start().Result;
        Assert.Equal(["include/a.h", "my dir/b.h"], result.IncludedFiles!.Select(p => p.AsString()));
        Assert.StartsWith("fake object of src/a.c", _tree.Read("build/a.o"), StringComparison.Ordinal);
    }

    [Fact]
    public void A_header_edit_recompiles_exactly_its_includers()
    {
        RealCompilers.Require("gcc");
        _tree.Write("include/common.h", "#define COMMON 1\n");
        _tree.Write("include/a.h", "#define A 1\n");
        _tree.Write("src/a.c", "#include \"common.h\"\n#include \"a.h\"\nint a = A + COMMON;\n");
        _tree.Write("src/b.c", "#include \"common.h\"\nint b = COMMON;\n");
        _tree.Write("src/c.c", "int c;\n");
        _tree.Settle();
        string?[] Build()
        {
            using (_tree.Enter())
            {
                return [.. new[] { "a", "b", "c" }.Select(n =>
                    new CompileC { SourceFile = $"src/{n}.c", ObjectFile = $"build/{n}.o", IncludeDirectories = ["include/"] }.Start().Reason?.ToString())];
            }
        }
        Assert.Equal(
            ["redo necessary because of filesystem object: 'build/a.o' (reason: does not exist)",
             "redo necessary because of filesystem object: 'build/b.o' (reason: does not exist)",
             "redo necessary because of filesystem object: 'build/c.o' (reason: does not exist)"],
            Build());
        Assert.Equal([null, null, null], Build());

        _tree.Write("include/a.h", "#define A 22\n");
        Assert.Equal(["redo necessary because of filesystem object: 'include/a.h' (reason: size has changed)", null, null], Build());

        _tree.Write("include/common.h", "#define COMMON 22\n");
        Assert.Equal(
            ["redo necessary because of filesystem object: 'include/common.h' (reason: size has changed)",
             "redo necessary because of filesystem object: 'include/common.h' (reason: size has changed)", null],
            Build());
        Assert.Equal([null, null, null], Build());
    }

    [Fact]
    public void A_deleted_header_referenced_by_the_depfile_causes_a_redo_naming_it()
    {
        RealCompilers.Require("gcc");
        _tree.Write("src/a.h", "#define A 1\n");
        _tree.Write("src/a.c", "#include \"a.h\"\nint a = A;\n");
        _tree.Settle();
        var compile = new CompileC { SourceFile = "src/a.c", ObjectFile = "build/a.o" };
        using (_tree.Enter())
            Assert.Equal(["src/a.h"], compile.Start().Result.IncludedFiles!.Select(p => p.AsString()));

        File.Delete(_tree.PathOf("src/a.h"));
        _tree.Write("src/a.c", "int a = 1;\n");
        _tree.TakeOutput();
        using (_tree.Enter())
        {
            var run = compile.Start();
            Assert.Equal("redo necessary because of non-existent filesystem object: 'src/a.h'", run.Reason?.ToString());
            Assert.Empty(run.Result.IncludedFiles!);
        }
        Assert.Contains("I redo necessary because of non-existent filesystem object: 'src/a.h'", _tree.TakeOutput(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_comment_edit_keeps_the_object_so_the_link_is_not_redone()
    {
        RealCompilers.Require("gcc");
        _tree.Write("src/main.c", "int main(void) { return 0; }\n");
        _tree.Settle();
        (bool Compiled, bool Linked) Build()
        {
            using (_tree.Enter())
            {
                var compiled = new CompileC { SourceFile = "src/main.c", ObjectFile = "build/main.o" }.Start();
                var linked = new LinkExecutable { ObjectFiles = [compiled.Result.ObjectFile], LinkedFile = "build/main" }.Start();
                return (compiled.IsRedo, linked.IsRedo);
            }
        }
        Assert.Equal((true, true), Build());
        _tree.Write("src/main.c", "int main(void) { return 0; }\n/* only a comment */\n");
        _tree.TakeOutput();
        Assert.Equal((true, false), Build());
        Assert.Contains("kept regular file because replacement has same content: 'build/main.o'", _tree.TakeOutput(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_failing_compile_reports_the_command_and_the_compiler_message()
    {
        _tree.Write("a.c", "#error no\n");
        var e = Assert.Throws<HelperExecutionException>(() =>
        {
            using (_tree.Enter())
                Fake("a.c", "a.o").Start();
        });
        Assert.Equal(1, e.ExitCode);
        Assert.Contains("-MMD -MT _ -MF", e.CommandLine, StringComparison.Ordinal);
        Assert.Contains("a.c:1:2: error: #error found", e.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_tree.PathOf("a.o")));
    }

    [Fact]
    public void A_redo_reports_the_command_it_ran_and_any_instance_describes_its_command()
    {
        _tree.Write("src/a.c", "int a;\n");
        using (_tree.Enter())
        {
            var compile = new CompileC { Compiler = _fake.Path, SourceFile = "src/a.c", ObjectFile = "build/a.o", Optimization = "2" };
            var executed = compile.Start().Result.ExecutedCommand!;
            Assert.Equal(_tree.Root, executed.Directory);
            Assert.Equal([_fake.Path, .. _fake.Calls[0]], executed.Arguments);
            Assert.Equal(("src/a.c", "build/a.o"), (executed.File, executed.Output));

            var described = compile.DescribeCommand();
            Assert.Equal(_tree.Root, described.Directory);
            Assert.Equal($"{_fake.Path} -B{_tree.HelperDirectory}/ -x c -O2 -c -o build/a.o src/a.c", described.CommandLine);
            Assert.Null(compile.Start().Result.ExecutedCommand);
        }
    }

    [Fact]
    public void Included_files_are_assigned_by_the_redo_and_cannot_be_given()
    {
        _tree.Write("a.c", "int a;\n");
        var e = Assert.Throws<DependencyException>(() =>
        {
            using (_tree.Enter())
                new CompileC { SourceFile = "a.c", ObjectFile = "a.o", IncludedFiles = ["a.h"] }.Start();
        });
        Assert.Equal("non-explicit dependency role 'IncludedFiles' must not be given (the redo assigns it)", e.Message);
    }

    [Fact]
    public void A_changed_option_causes_a_redo()
    {
        _tree.Write("a.c", "int a;\n");
        using (_tree.Enter())
            Fake("a.c", "a.o").Start();
        using (_tree.Enter())
        {
            Assert.False(Fake("a.c", "a.o").Start());
            Assert.Equal("redo necessary because execution parameters have changed",
                new CompileC { Compiler = _fake.Path, SourceFile = "a.c", ObjectFile = "a.o", Optimization = "3" }.Start().Reason?.ToString());
        }
    }
}
