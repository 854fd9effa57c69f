namespace Kiln.Toolchain.Tests;

public sealed class CompilerIdentityTests
{
    private static string Gcc => CompilerDiscovery.FindExecutable("gcc")!;

    [Fact]
    public void Probing_gcc_gives_its_family_target_version_and_macro_hash()
    {
        var id = CompilerIdentity.Probe(Gcc, SourceLanguage.C, ["-O2"]);
        Assert.Equal(CompilerFamily.Gcc, id.Family);
        Assert.Contains("linux", id.Target, StringComparison.Ordinal);
        Assert.Contains("gcc", id.VersionOutput, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(64, id.PredefinedMacrosSha256.Length);
        Assert.Equal(Gcc, id.ExecutablePath);
    }

    [Fact]
    public void Different_optimisation_flags_give_different_predefined_macros()
    {
        var o0 = CompilerIdentity.Probe(Gcc, SourceLanguage.C, ["-O0"]);
        var o2 = CompilerIdentity.Probe(Gcc, SourceLanguage.C, ["-O2"]);
        Assert.NotEqual(o0.PredefinedMacrosSha256, o2.PredefinedMacrosSha256);
    }

    [Fact]
    public void C_and_Cxx_give_different_predefined_macros()
    {
        var c = CompilerIdentity.Probe(Gcc, SourceLanguage.C, []);
        var cxx = CompilerIdentity.Probe(CompilerDiscovery.FindExecutable("g++")!, SourceLanguage.Cxx, []);
        Assert.NotEqual(c.PredefinedMacrosSha256, cxx.PredefinedMacrosSha256);
    }

    [Fact]
    public void Probing_clang_recognises_the_clang_family()
    {
        var clang = CompilerDiscovery.FindExecutable("clang");
        Assert.SkipUnless(clang is not null, "clang is not installed");
        var id = CompilerIdentity.Probe(clang!, SourceLanguage.C, []);
        Assert.Equal(CompilerFamily.Clang, id.Family);
    }

    [Fact]
    public void A_flag_the_compiler_rejects_raises_a_toolchain_error_naming_the_flags()
    {
        var e = Assert.Throws<ToolchainException>(() => CompilerIdentity.Probe(Gcc, SourceLanguage.C, ["-fno-such-flag-at-all"]));
        Assert.Contains("-fno-such-flag-at-all", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Native_march_is_expanded_in_the_identity()
    {
        var id = CompilerIdentity.Probe(Gcc, SourceLanguage.C, ["-march=native"]);
        Assert.DoesNotContain("-march=native", id.ExpandedFlags);
        Assert.Contains(id.ExpandedFlags, f => f.StartsWith("-march=", StringComparison.Ordinal));
    }
}
