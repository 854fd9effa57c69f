namespace Kiln.Contrib.Tests;

/// <summary>Bad tool options fail where they are written, with one clear error.</summary>
public sealed class OptionCheckTests
{
    private static string ErrorOf(Func<object> create) => Assert.Throws<ToolOptionException>(create).Message;

    [Fact]
    public void An_optimization_level_written_as_a_flag_is_rejected_with_the_accepted_values()
    {
        Assert.Equal("invalid value for option 'Optimization' of CompileC: '-O2'\n  | reason: must be one of 0, 1, 2, 3, s, z, fast, g; the tool writes '-O<value>'",
            ErrorOf(() => new CompileC { SourceFile = "a.c", ObjectFile = "a.o", Optimization = "-O2" }));
    }

    [Fact]
    public void A_warning_written_as_a_flag_is_rejected()
    {
        Assert.Contains("(write 'all', not '-Wall')", ErrorOf(() => new CompileCxx { SourceFile = "a.c", ObjectFile = "a.o", Warnings = ["all", "-Wextra"] }), StringComparison.Ordinal);
    }

    [Fact]
    public void A_compiler_with_arguments_is_rejected()
    {
        Assert.StartsWith("invalid value for option 'Compiler' of CompileC: 'ccache gcc'\n", ErrorOf(() => new CompileC { SourceFile = "a.c", ObjectFile = "a.o", Compiler = "ccache gcc" }), StringComparison.Ordinal);
        Assert.StartsWith("invalid value for option 'Linker' of LinkExecutable: ''", ErrorOf(() => new LinkExecutable { ObjectFiles = ["a.o"], LinkedFile = "a", Linker = "" }), StringComparison.Ordinal);
        Assert.StartsWith("invalid value for option 'Archiver' of Archive: 'null'", ErrorOf(() => new Archive { ObjectFiles = ["a.o"], ArchiveFile = "a.a", Archiver = null! }), StringComparison.Ordinal);
    }

    [Fact]
    public void A_standard_that_is_not_a_name_is_rejected()
    {
        Assert.StartsWith("invalid value for option 'Standard' of CompileC: '-std=c11'", ErrorOf(() => new CompileC { SourceFile = "a.c", ObjectFile = "a.o", Standard = "-std=c11" }), StringComparison.Ordinal);
    }

    [Fact]
    public void A_macro_name_must_be_an_identifier_and_a_value_one_line()
    {
        Assert.StartsWith("invalid value for option 'Definitions' of CompileC: '1X'", ErrorOf(() => new CompileC { SourceFile = "a.c", ObjectFile = "a.o", Definitions = new Dictionary<string, string?> { ["1X"] = null } }), StringComparison.Ordinal);
        Assert.Contains("line break", ErrorOf(() => new CompileC { SourceFile = "a.c", ObjectFile = "a.o", Definitions = new Dictionary<string, string?> { ["X"] = "a\nb" } }), StringComparison.Ordinal);
        var ok = new CompileC { SourceFile = "a.c", ObjectFile = "a.o", Definitions = new Dictionary<string, string?> { ["MAX(a,b)"] = "((a)>(b)?(a):(b))" } };
        Assert.Single(ok.Definitions);
    }

    [Fact]
    public void Library_names_run_paths_and_shared_object_names_are_checked()
    {
        Assert.Contains("(write 'm', not '-lm')", ErrorOf(() => new LinkExecutable { ObjectFiles = ["a.o"], LinkedFile = "a", Libraries = ["-lm"] }), StringComparison.Ordinal);
        Assert.Contains("must not contain ','", ErrorOf(() => new LinkExecutable { ObjectFiles = ["a.o"], LinkedFile = "a", RunPathDirectories = ["a,b"] }), StringComparison.Ordinal);
        Assert.StartsWith("invalid value for option 'SharedObjectName' of LinkSharedLibrary: 'lib/a.so'", ErrorOf(() => new LinkSharedLibrary { ObjectFiles = ["a.o"], LinkedFile = "a", SharedObjectName = "lib/a.so" }), StringComparison.Ordinal);
        Assert.StartsWith("invalid value for option 'LibraryDirectories' of LinkExecutable: ''", ErrorOf(() => new LinkExecutable { ObjectFiles = ["a.o"], LinkedFile = "a", LibraryDirectories = [""] }), StringComparison.Ordinal);
    }

    [Fact]
    public void A_linker_option_written_with_its_dash_Wl_or_with_a_space_is_rejected()
    {
        Assert.Contains("(write '--as-needed', not '-Wl,--as-needed')", ErrorOf(() => new LinkExecutable { ObjectFiles = ["a.o"], LinkedFile = "a", LinkerArguments = ["-Wl,--as-needed"] }), StringComparison.Ordinal);
        Assert.StartsWith("invalid value for option 'LinkerArguments' of LinkSharedLibrary: '-z now'", ErrorOf(() => new LinkSharedLibrary { ObjectFiles = ["a.o"], LinkedFile = "a", LinkerArguments = ["-z now"] }), StringComparison.Ordinal);
    }

    [Fact]
    public void Lists_are_copied_so_a_later_change_does_not_reach_the_instance()
    {
        var warnings = new List<string> { "all" };
        var compile = new CompileC { SourceFile = "a.c", ObjectFile = "a.o", Warnings = warnings };
        warnings.Add("error");
        Assert.Equal(["all"], compile.Warnings);
    }

    [Fact]
    public void Null_lists_are_rejected_with_a_hint()
    {
        Assert.Contains("write [] for none", ErrorOf(() => new CompileC { SourceFile = "a.c", ObjectFile = "a.o", ExtraArguments = null! }), StringComparison.Ordinal);
    }
}
