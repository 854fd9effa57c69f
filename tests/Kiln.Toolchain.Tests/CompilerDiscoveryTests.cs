namespace Kiln.Toolchain.Tests;

public sealed class CompilerDiscoveryTests
{
    private static Func<string, string?> Env(params (string Name, string Value)[] vars) =>
        name => name == "PATH" ? Environment.GetEnvironmentVariable("PATH")
            : vars.FirstOrDefault(v => v.Name == name).Value;

    [Fact]
    public void Without_CC_the_C_compiler_is_gcc_from_PATH_with_links_resolved()
    {
        var path = CompilerDiscovery.Resolve(SourceLanguage.C, environment: Env());
        Assert.True(Path.IsPathRooted(path));
        Assert.Contains("gcc", Path.GetFileName(path), StringComparison.Ordinal);
        Assert.Null(new FileInfo(path).LinkTarget);
    }

    [Fact]
    public void Without_CXX_the_Cxx_compiler_is_gxx_from_PATH()
    {
        var path = CompilerDiscovery.Resolve(SourceLanguage.Cxx, environment: Env());
        Assert.Contains("g++", Path.GetFileName(path), StringComparison.Ordinal);
    }

    [Fact]
    public void CC_from_the_environment_wins_over_PATH_candidates()
    {
        Assert.SkipUnless(CompilerDiscovery.FindExecutable("clang") is not null, "clang is not installed");
        var path = CompilerDiscovery.Resolve(SourceLanguage.C, environment: Env(("CC", "clang")));
        Assert.Contains("clang", Path.GetFileName(path), StringComparison.Ordinal);
    }

    [Fact]
    public void A_requested_compiler_wins_over_CC()
    {
        var path = CompilerDiscovery.Resolve(SourceLanguage.C, "gcc", Env(("CC", "no-such-cc")));
        Assert.Contains("gcc", Path.GetFileName(path), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_requested_compiler_raises_one_line_naming_it()
    {
        var e = Assert.Throws<CompilerNotFoundException>(() => CompilerDiscovery.Resolve(SourceLanguage.C, "no-such-compiler-xyz"));
        Assert.Contains("no-such-compiler-xyz", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void An_unknown_CC_raises_naming_the_variable()
    {
        var e = Assert.Throws<CompilerNotFoundException>(() => CompilerDiscovery.Resolve(SourceLanguage.C, environment: Env(("CC", "nope-cc"))));
        Assert.Contains("$CC", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_PATH_finds_no_compiler_and_says_what_was_tried()
    {
        var e = Assert.Throws<CompilerNotFoundException>(() => CompilerDiscovery.Resolve(SourceLanguage.Cxx, environment: _ => null));
        Assert.Contains("g++, clang++, c++", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_symbolic_link_is_resolved_to_its_final_target()
    {
        using var dir = new TempDirectory();
        var gcc = CompilerDiscovery.FindExecutable("gcc")!;
        var link = Path.Combine(dir.Path, "mycc");
        File.CreateSymbolicLink(link, gcc);
        Assert.Equal(gcc, CompilerDiscovery.FindExecutable(link));
    }

    [Fact]
    public void A_non_executable_file_is_not_a_compiler()
    {
        using var dir = new TempDirectory();
        var file = dir.File("cc", "#!/bin/sh\n");
        Assert.Null(CompilerDiscovery.FindExecutable(file));
    }
}
