namespace Kiln.Toolchain.Tests;

public sealed class NativeTargetTests
{
    [Fact]
    public void Flags_without_native_are_returned_unchanged()
    {
        IReadOnlyList<string> flags = ["-O2", "-march=x86-64"];
        Assert.Same(flags, NativeTarget.Expand("/nonexistent", SourceLanguage.C, flags));
    }

    [Fact]
    public void The_cc1_line_of_gcc_yields_the_concrete_cpu_features_and_params()
    {
        var output = " /usr/lib/gcc/x86_64-linux-gnu/12/cc1 -E -quiet /dev/null \"-march=znver3\" -mmmx -mno-avx512f --param \"l1-cache-size=32\" \"-mtune=znver3\" -dumpbase null\n";
        var words = NativeTarget.ParseDriverOutput(output);
        Assert.Equal(["-march=znver3", "-mmmx", "-mno-avx512f", "--param=l1-cache-size=32", "-mtune=znver3"], words);
    }

    [Fact]
    public void The_cc1_line_of_clang_yields_target_cpu_and_features()
    {
        var output = " \"/usr/lib/llvm-14/bin/clang\" \"-cc1\" \"-triple\" \"x86_64-pc-linux-gnu\" \"-target-cpu\" \"znver3\" \"-target-feature\" \"+sse2\" \"-tune-cpu\" \"generic\"\n";
        var words = NativeTarget.ParseDriverOutput(output);
        Assert.Equal(["-target-cpu=znver3", "-target-feature=+sse2", "-tune-cpu=generic"], words);
    }

    [Fact]
    public void Gcc_expands_march_native_to_a_named_cpu_in_place()
    {
        var gcc = CompilerDiscovery.FindExecutable("gcc")!;
        var expanded = NativeTarget.Expand(gcc, SourceLanguage.C, ["-O2", "-march=native", "-g"]);
        Assert.Equal("-O2", expanded[0]);
        Assert.StartsWith("-march=", expanded[1], StringComparison.Ordinal);
        Assert.NotEqual("-march=native", expanded[1]);
        Assert.Equal("-g", expanded[^1]);
    }

    [Fact]
    public void Clang_expands_march_native_to_a_target_cpu()
    {
        var clang = CompilerDiscovery.FindExecutable("clang");
        Assert.SkipUnless(clang is not null, "clang is not installed");
        var expanded = NativeTarget.Expand(clang!, SourceLanguage.C, ["-march=native"]);
        Assert.Contains(expanded, f => f.StartsWith("-target-cpu=", StringComparison.Ordinal));
    }

    [Fact]
    public void Mentions_native_sees_march_mtune_and_mcpu()
    {
        Assert.True(NativeTarget.MentionsNative(["-mtune=native"]));
        Assert.True(NativeTarget.MentionsNative(["-mcpu=native"]));
        Assert.False(NativeTarget.MentionsNative(["-march=haswell"]));
    }
}
