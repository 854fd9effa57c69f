using Kiln.Toolchain;

namespace Kiln.Contrib.Tests;

public sealed class CompileSettingsTests : IDisposable
{
    private readonly WorkingTree _tree = new();

    public void Dispose() => _tree.Dispose();

    private static readonly CompileSettings Common = new()
    {
        IncludeDirectories = ["include/"],
        Standard = "c99",
        Optimization = "2",
        Features = ["no-common"],
        Warnings = ["all", "extra"],
        Definitions = Macros.Of("LUA_COMPAT_5_3", "LEVEL=3"),
    };

    private static IReadOnlyList<string> ArgumentsOf(CompileC compile) =>
        CompilerArguments.Compile(compile.ToCompileOptions(), "s.c", "s.o", depfile: null);

    [Fact]
    public void Compiles_given_one_settings_value_get_its_options()
    {
        var a = new CompileC(Common) { SourceFile = "src/a.c", ObjectFile = "build/a.o" };
        var b = new CompileC(Common) { SourceFile = "src/b.c", ObjectFile = "build/b.o" };
        string[] expected = ["-x", "c", "-std=c99", "-O2", "-fno-common", "-Wall", "-Wextra", "-Iinclude", "-DLEVEL=3", "-DLUA_COMPAT_5_3", "-c", "-o", "s.o", "s.c"];
        Assert.Equal(expected, ArgumentsOf(a));
        Assert.Equal(expected, ArgumentsOf(b));
        Assert.Equal("gcc", a.Compiler);
    }

    [Fact]
    public void An_option_in_the_object_initializer_overrides_the_shared_one_and_with_changes_a_copy()
    {
        var debug = new CompileC(Common) { SourceFile = "src/a.c", ObjectFile = "build/a.o", Optimization = "0", DebugInformation = true };
        Assert.Equal("0", debug.Optimization);
        Assert.True(debug.DebugInformation);
        Assert.Equal("c99", debug.Standard);

        var clang = new CompileC(Common with { Compiler = "clang", Warnings = ["all"] }) { SourceFile = "src/a.c", ObjectFile = "build/a.o" };
        Assert.Equal("clang", clang.Compiler);
        Assert.Equal(["all"], clang.Warnings);
        Assert.Equal(["all", "extra"], Common.Warnings);
    }

    [Fact]
    public void A_bad_shared_value_fails_naming_the_compile_and_the_option()
    {
        var e = Assert.Throws<ToolOptionException>(() => new CompileCxx(new CompileSettings { Optimization = "9" }) { SourceFile = "a.cpp", ObjectFile = "a.o" });
        Assert.Contains("CompileCxx", e.Message, StringComparison.Ordinal);
        Assert.Contains("Optimization", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_feature_written_with_its_dash_f_is_refused_with_the_spelling_to_use()
    {
        var e = Assert.Throws<ToolOptionException>(() => new CompileC { SourceFile = "a.c", ObjectFile = "a.o", Features = ["-fno-common"] });
        Assert.Contains("write 'no-common', not '-fno-common'", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Macros_are_written_as_on_a_command_line_and_a_name_given_twice_is_refused()
    {
        var macros = Macros.Of("NDEBUG", "VERSION=3", "EMPTY=");
        Assert.Null(macros["NDEBUG"]);
        Assert.Equal("3", macros["VERSION"]);
        Assert.Equal("", macros["EMPTY"]);
        var e = Assert.Throws<ArgumentException>(() => Macros.Of("A=1", "A=2"));
        Assert.Contains("macro 'A' is defined twice", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Shared_settings_build_a_program_with_gcc_and_a_changed_shared_macro_gives_the_program_of_its_new_value()
    {
        RealCompilers.Require("gcc");
        _tree.Write("include/level.h", "#define TWICE(x) ((x) * 2)\n");
        _tree.Write("src/a.c", "#include \"level.h\"\nint a(void) { return TWICE(LEVEL); }\n");
        _tree.Write("src/main.c", "#include <stdio.h>\nint a(void);\nint main(void) { printf(\"%d\\n\", a()); return 0; }\n");
        string Build(CompileSettings settings)
        {
            using (_tree.Enter())
            {
                var objects = new[] { "a", "main" }.Select(name =>
                    new CompileC(settings) { SourceFile = $"src/{name}.c", ObjectFile = $"build/{name}.o" }.Start().Result.ObjectFile).ToList();
                new LinkExecutable { ObjectFiles = objects, LinkedFile = "build/app", LinkerArguments = ["--as-needed"] }.Start();
            }
            return _tree.Run("build/app");
        }
        Assert.Equal("6\n", Build(Common));
        _tree.Settle();
        Assert.Equal("14\n", Build(Common with { Definitions = Macros.Of("LEVEL=7") }));
    }
}
