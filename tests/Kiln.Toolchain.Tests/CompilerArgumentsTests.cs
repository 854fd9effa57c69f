namespace Kiln.Toolchain.Tests;

public sealed class CompilerArgumentsTests
{
    [Fact]
    public void A_compile_without_options_names_the_language_output_depfile_and_source()
    {
        Assert.Equal(["-x", "c", "-c", "-o", "a.o", "-MMD", "-MT", "_", "-MF", "a.d", "a.c"],
            CompilerArguments.Compile(new CompileOptions(), "a.c", "a.o", "a.d"));
    }

    [Fact]
    public void Each_compile_option_maps_to_one_argument_in_a_fixed_order()
    {
        var options = new CompileOptions
        {
            Language = SourceLanguage.Cxx,
            Standard = "c++20",
            Optimization = "s",
            DebugInformation = true,
            PositionIndependent = true,
            Features = ["no-common", "visibility=hidden"],
            Warnings = ["all", "no-unused"],
            IncludeDirectories = ["include", "/opt/x/include"],
            Definitions = new Dictionary<string, string?> { ["B"] = "2", ["A"] = null },
            ExtraArguments = ["-pthread"],
        };
        Assert.Equal(
            ["-x", "c++", "-std=c++20", "-Os", "-g", "-fPIC", "-fno-common", "-fvisibility=hidden", "-Wall", "-Wno-unused", "-Iinclude", "-I/opt/x/include", "-DA", "-DB=2", "-pthread", "-c", "-o", "a.o", "a.cpp"],
            CompilerArguments.Compile(options, "a.cpp", "a.o", depfile: null));
    }

    [Fact]
    public void A_file_name_starting_with_a_dash_is_not_read_as_an_option()
    {
        Assert.Equal("./-a.c", CompilerArguments.Compile(new CompileOptions(), "-a.c", "a.o", null)[^1]);
        Assert.Equal(["rcsD", "./-x.a", "./-a.o", "b.o"], CompilerArguments.Archive(["-a.o", "b.o"], "-x.a"));
    }

    [Fact]
    public void A_link_puts_libraries_after_the_input_files()
    {
        var options = new LinkOptions
        {
            Shared = true,
            SharedObjectName = "libx.so.1",
            LibraryDirectories = ["/opt/lib"],
            Libraries = ["m"],
            RunPathDirectories = ["$ORIGIN"],
            LinkerArguments = ["--as-needed", "-z,now"],
            ExtraArguments = ["-pthread"],
        };
        Assert.Equal(["-shared", "-Wl,-soname,libx.so.1", "-Wl,--as-needed", "-Wl,-z,now", "-pthread", "-o", "libx.so", "a.o", "libz.a", "-L/opt/lib", "-lm", "-Wl,-rpath,$ORIGIN"],
            CompilerArguments.Link(options, ["a.o", "libz.a"], "libx.so"));
        Assert.Equal(["-o", "app", "a.o"], CompilerArguments.Link(new LinkOptions(), ["a.o"], "app"));
    }

    [Fact]
    public void The_built_arguments_compile_with_the_real_compiler_and_write_the_depfile()
    {
        var gcc = CompilerDiscovery.FindExecutable("gcc");
        if (gcc is null)
            Assert.Skip("gcc is not installed");
        using var dir = new TempDirectory();
        dir.File("a.h", "#define A 1\n");
        dir.File("a.c", "#include \"a.h\"\nint a = A;\n");
        var r = ToolProcess.Run(gcc, CompilerArguments.Compile(new CompileOptions { Optimization = "2", Warnings = ["all", "error"] }, "a.c", "a.o", "a.d"), dir.Path);
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["a.c", "a.h"], Depfile.Read(Path.Combine(dir.Path, "a.d")).Prerequisites);
        Assert.Equal(["_"], Depfile.Read(Path.Combine(dir.Path, "a.d")).Rules[0].Targets);
    }
}
