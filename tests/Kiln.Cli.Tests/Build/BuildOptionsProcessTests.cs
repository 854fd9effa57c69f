using System.Text.RegularExpressions;

namespace Kiln.Cli.Tests.Build;

/// <summary>
/// <c>kiln build -j N</c>, <c>-k</c> and <c>--explain</c> on the real kiln process with real gcc: a project of three
/// independent compiles, two of which fail.
/// </summary>
public sealed class BuildOptionsProcessTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-cli-options-").FullName;

    public BuildOptionsProcessTests()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        Directory.CreateDirectory(Path.Combine(_root, ".kiln"));
        Write("a.c", "int a(void) { return 1; }\n");
        Write("b.c", "int b(void) { return 2; }\n");
        Write("c.c", "int c(void) { return 3; }\n");
        // The script asks for one redo at a time; -j overrides that. Each compile's start line is printed by the script,
        // so that a test sees which ones were started by the script and which redone.
        Write("build.cs",
            """
            using Kiln;
            using Kiln.Contrib;
            using (new Context(maxParallelRedoCount: 1))
            {
                Console.Error.WriteLine($"parallel: {Context.Active.MaxParallelRedoCount}");
                foreach (var name in (string[])["a", "b", "c"])
                    new CompileC { SourceFile = $"{name}.c", ObjectFile = $"build/{name}.o" }.Start();
            }
            """);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private void Write(string relative, string text) => File.WriteAllText(Path.Combine(_root, relative), text);

    [Fact]
    public void Jobs_override_the_scripts_parallelism_of_the_root_context()
    {
        var r = KilnProcess.Run(_root, "build", "-j", "3");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("parallel: 3\n", r.Error, StringComparison.Ordinal);
        Assert.Contains("I run: 3 redo(s), 0 up to date", r.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void After_a_compile_error_no_further_compile_is_started_and_the_error_is_printed_once()
    {
        Write("a.c", "int a(void) { return undefined_a; }\n");

        var r = KilnProcess.Run(_root, "build");

        Assert.Equal(1, r.ExitCode);
        Assert.Equal(1, Regex.Count(r.Error, "'undefined_a' undeclared"));
        Assert.DoesNotContain("start redo for CompileC b.c", r.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_root, "build", "b.o")));
    }

    [Fact]
    public void Keep_going_compiles_the_rest_after_an_error_and_reports_every_failure_once_at_the_end()
    {
        Write("a.c", "int a(void) { return undefined_a; }\n");
        Write("c.c", "int c(void) { return undefined_c; }\n");

        var r = KilnProcess.Run(_root, "build", "-k");

        Assert.Equal(1, r.ExitCode);
        Assert.True(File.Exists(Path.Combine(_root, "build", "b.o")), r.Error);
        Assert.Equal(1, Regex.Count(r.Error, "'undefined_a' undeclared"));
        Assert.Equal(1, Regex.Count(r.Error, "'undefined_c' undeclared"));
        var errors = Regex.Matches(r.Error, @"(?m)^error: .*\n(  \|.*\n)*?  \| in the redo of CompileC\(SourceFile='(.)\.c'").Select(m => m.Groups[2].Value);
        Assert.Equal(["a", "c"], errors);
    }

    [Fact]
    public void Explain_says_why_each_instance_is_not_redone_and_a_plain_run_does_not()
    {
        Assert.Equal(0, KilnProcess.Run(_root, "build").ExitCode);

        var plain = KilnProcess.Run(_root, "build");
        var explained = KilnProcess.Run(_root, "build", "--explain");

        Assert.DoesNotContain("redo not necessary", plain.Error, StringComparison.Ordinal);
        foreach (var name in (string[])["a", "b", "c"])
            Assert.Contains($"I redo not necessary for CompileC {name}.c → build/{name}.o \n  | reason: ", explained.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Verbose_shows_every_helpers_command_line_in_its_redos_block()
    {
        var plain = KilnProcess.Run(_root, "build");
        File.Delete(Path.Combine(_root, "build", "b.o"));
        var verbose = KilnProcess.Run(_root, "build", "-v");

        Assert.DoesNotContain("execute helper", plain.Error, StringComparison.Ordinal);
        Assert.Matches(@"I start redo for CompileC b\.c → build/b\.o[^\n]*\nI execute helper '[^']*gcc' \n  \| path: '[^']*gcc' \n  \| arguments: ", verbose.Error);
    }
}
