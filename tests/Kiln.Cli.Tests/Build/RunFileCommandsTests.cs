using System.Diagnostics;
using System.Text.Json;

namespace Kiln.Cli.Tests.Build;

/// <summary><c>kiln compdb</c> and <c>kiln trace</c> on a real C build with gcc.</summary>
public sealed class RunFileCommandsTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-cli-runfiles-").FullName;

    public RunFileCommandsTests()
    {
        Directory.CreateDirectory(Path.Combine(_root, ".kiln"));
        Directory.CreateDirectory(Path.Combine(_root, "src"));
        File.WriteAllText(Path.Combine(_root, "src", "a.c"), "#include \"a.h\"\nint a(void) { return A; }\n");
        File.WriteAllText(Path.Combine(_root, "src", "a.h"), "#define A 1\n");
        File.WriteAllText(Path.Combine(_root, "src", "main.c"), "int a(void);\nint main(void) { return a() - 1; }\n");
        File.WriteAllText(Path.Combine(_root, "build.cs"),
            """
            using Kiln;
            using Kiln.Contrib;
            using (new Context(maxParallelRedoCount: 2))
            {
                var a = new CompileC { SourceFile = "src/a.c", ObjectFile = "build/a.o", Optimization = "2" }.Start();
                var m = new CompileC { SourceFile = "src/main.c", ObjectFile = "build/main.o", Optimization = "2" }.Start();
                new LinkExecutable { ObjectFiles = [a.Result.ObjectFile, m.Result.ObjectFile], LinkedFile = "build/app" }.Start();
            }
            """);
    }

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void Compdb_lists_every_compile_and_each_command_reproduces_its_object()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        Assert.Equal(0, KilnProcess.Run(_root, "build").ExitCode);
        var r = KilnProcess.Run(_root, "compdb");
        Assert.Equal(0, r.ExitCode);
        using var json = JsonDocument.Parse(r.Output);
        var entries = json.RootElement.EnumerateArray().ToList();
        Assert.Equal(["src/a.c", "src/main.c"], entries.Select(e => e.GetProperty("file").GetString()!.TrimStart('.', '/')).Order());
        foreach (var e in entries)
        {
            var directory = e.GetProperty("directory").GetString()!;
            Assert.True(File.Exists(Path.Combine(directory, e.GetProperty("file").GetString()!)));
            var output = e.GetProperty("output").GetString()!;
            var arguments = e.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()!).ToList();
            var reproduced = Path.Combine(_root, "reproduced.o");
            var info = new ProcessStartInfo(arguments[0]) { WorkingDirectory = directory, UseShellExecute = false };
            foreach (var a in arguments.Skip(1))
                info.ArgumentList.Add(a == output ? reproduced : a);
            using (var p = Process.Start(info)!)
            {
                p.WaitForExit();
                Assert.Equal(0, p.ExitCode);
            }
            Assert.Equal(File.ReadAllBytes(Path.Combine(directory, output)), File.ReadAllBytes(reproduced));
        }

        var exported = Path.Combine(_root, "compile_commands.json");
        Assert.Equal(0, KilnProcess.Run(_root, "compdb", "-o", exported).ExitCode);
        Assert.Equal(r.Output, File.ReadAllText(exported));
    }

    [Fact]
    public void Explain_with_a_header_lists_the_redos_that_read_it_and_says_so_when_none_did()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        Assert.Equal(0, KilnProcess.Run(_root, "build").ExitCode);
        File.WriteAllText(Path.Combine(_root, "src", "a.h"), "#define A 12\n");
        Assert.Equal(0, KilnProcess.Run(_root, "build").ExitCode);

        // The header is a non-explicit input of the compile of a.c (from gcc's depfile) and its reason's path.
        var header = KilnProcess.Run(Path.Combine(_root, "src"), "explain", "a.h");
        Assert.Equal(0, header.ExitCode);
        Assert.Contains("1 redo(s) involving 'src/a.h' of 3 tool instance start(s)", header.Output, StringComparison.Ordinal);
        Assert.Contains("CompileC(", header.Output, StringComparison.Ordinal);
        Assert.Contains("redo necessary because of filesystem object: 'src/a.h'", header.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("src/main.c", header.Output, StringComparison.Ordinal);

        var directory = KilnProcess.Run(_root, "explain", "build/");
        Assert.Contains("2 redo(s) involving 'build/'", directory.Output, StringComparison.Ordinal);

        var none = KilnProcess.Run(_root, "explain", "src/main.c");
        Assert.Equal(0, none.ExitCode);
        Assert.Contains("no redo of the last run involves 'src/main.c'", none.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_after_a_failed_build_shows_that_run_and_says_it_failed()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        Assert.Equal(0, KilnProcess.Run(_root, "build").ExitCode);
        File.WriteAllText(Path.Combine(_root, "src", "a.h"), "#define A 2\n");
        File.WriteAllText(Path.Combine(_root, "src", "main.c"), "int main(void) { return syntax error; }\n");
        Assert.Equal(1, KilnProcess.Run(_root, "build").ExitCode);

        var r = KilnProcess.Run(_root, "explain");

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("(failed, or still running): ", r.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("src/main.c", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Trace_names_a_chrome_trace_with_one_complete_event_per_redo_and_its_reason()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        Assert.Equal(0, KilnProcess.Run(_root, "build").ExitCode);
        var r = KilnProcess.Run(_root, "trace");
        Assert.Equal(0, r.ExitCode);
        var path = r.Output.Trim();
        Assert.Equal(Path.Combine(_root, ".kiln", "trace.json"), path);
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var events = json.RootElement.GetProperty("traceEvents").EnumerateArray().ToList();
        Assert.Equal(3, events.Count);
        Assert.All(events, e => Assert.Equal("X", e.GetProperty("ph").GetString()));
        Assert.All(events, e => Assert.True(e.GetProperty("dur").GetDouble() > 0));
        Assert.Contains(events, e => e.GetProperty("name").GetString()!.StartsWith("LinkExecutable(", StringComparison.Ordinal)
            && e.GetProperty("args").GetProperty("reason").GetString() == "redo necessary because of filesystem object: 'build/app' (reason: does not exist)");
    }

    [Fact]
    public void Without_a_run_compdb_and_trace_say_so_in_one_error()
    {
        var compdb = KilnProcess.Run(_root, "compdb");
        Assert.Equal(1, compdb.ExitCode);
        Assert.StartsWith("error: no compile_commands.json yet in ", compdb.Error);
        var trace = KilnProcess.Run(_root, "trace");
        Assert.Equal(1, trace.ExitCode);
        Assert.StartsWith("error: no trace.json yet in ", trace.Error);
    }
}
