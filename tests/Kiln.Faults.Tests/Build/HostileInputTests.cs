namespace Kiln.Faults.Tests.Build;

/// <summary>Issue 8.5, hostile input, with the real kiln: each case gives one clear error (exit 1), and nothing is lost —
/// the outputs of the good build before it are unchanged and the next good run has nothing to redo.</summary>
/// <remarks>The tests share one root, emptied before each, so that build.cs is compiled once (<see cref="ScriptCachingRoot"/>).</remarks>
public sealed class HostileInputTests : IClassFixture<ScriptCachingRoot>
{
    private readonly string _root;
    private readonly GeneratedCProject _project;

    public HostileInputTests(ScriptCachingRoot place)
    {
        _root = place.Fresh();
        _project = new GeneratedCProject(_root, moduleCount: 1);
        _project.WriteAll();
    }

    private static string Script(string body) =>
        "using Kiln;\nusing Kiln.Contrib;\n" + body;

    private static string InContext(string statements) =>
        Script("using (new Context(maxParallelRedoCount: 2))\n{\n" + statements + "}\n");

    /// <summary>Good build, then <paramref name="script"/> (hostile), then the good build again.</summary>
    private KilnProcess.Result RunHostile(string script, IDictionary<string, string>? environment = null)
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        var good = KilnProcess.Run(_root, "build");
        Assert.True(good.ExitCode == 0, good.Error);
        var before = _project.Outputs();
        _project.Write("hostile.cs", script);
        var r = KilnProcess.Run(_root, ["build", "hostile"], environment);
        Assert.True(r.ExitCode == 1, $"exit {r.ExitCode}\n{r.Error}");
        Assert.Single(r.Error.Split('\n'), l => l.StartsWith("error:", StringComparison.Ordinal));
        // A failed run has no summary line (it printed "I run: 0 redo(s), 0 up to date" after every failed start).
        Assert.DoesNotContain("I run:", r.Error, StringComparison.Ordinal);
        var after = _project.Outputs();
        Assert.Equal(before.Keys, after.Keys.Where(before.ContainsKey));
        foreach (var (path, bytes) in before)
            Assert.True(bytes.AsSpan().SequenceEqual(after[path]), $"'{path}' changed");
        var again = KilnProcess.Run(_root, "build");
        Assert.True(again.ExitCode == 0 && again.Error.Contains("I run: 0 redo(s)", StringComparison.Ordinal), again.Error);
        return r;
    }

    /// <summary>
    /// The compile of <c>src/m0.c</c> into <paramref name="objectFile"/> is recorded: a script that starts it again
    /// redoes nothing. (Not the hostile script itself: a run that fails prints no summary line.)
    /// </summary>
    private void AssertRecorded(string objectFile)
    {
        _project.Write("check.cs", Script(
            "using (new Context())\n" +
            $"    new CompileC {{ SourceFile = \"src/m0.c\", ObjectFile = \"{objectFile}\", Optimization = \"0\", IncludeDirectories = [\"include/\"] }}.Start();\n"));
        var check = KilnProcess.Run(_root, "build", "check");
        Assert.True(check.ExitCode == 0 && check.Error.Contains("I run: 0 redo(s), 1 up to date", StringComparison.Ordinal), check.Error);
    }

    [Fact]
    public void Paths_with_spaces_build_and_are_up_to_date_next_run()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        _project.Write("src/with space.c", "int spaced(void) { return 1; }\n");
        _project.Write("spaces.cs", InContext(
            """
            var a = new CompileC { SourceFile = "src/with space.c", ObjectFile = "build/with space.o", Optimization = "0" }.Start();
            new LinkExecutable { ObjectFiles = [a.Result.ObjectFile, "build/obj/m0.o", "build/obj/main.o"], LinkedFile = "build/my app" }.Start();
            """));
        Assert.Equal(0, KilnProcess.Run(_root, "build").ExitCode);
        var r = KilnProcess.Run(_root, "build", "spaces");
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.True(File.Exists(Path.Combine(_root, "build", "my app")));
        var again = KilnProcess.Run(_root, "build", "spaces");
        Assert.Contains("I run: 0 redo(s)", again.Error);
    }

    [Fact]
    public void A_source_path_with_a_newline_is_refused_where_it_is_written()
    {
        _project.Write("src/new\nline.c", "int y(void) { return 2; }\n");
        var r = RunHostile(InContext("    new CompileC { SourceFile = \"src/new\\nline.c\", ObjectFile = \"build/newline.o\", Optimization = \"0\" }.Start();\n"));
        Assert.Contains("error: invalid value for option 'SourceFile' of CompileC: ", r.Error);
        Assert.Contains("  | reason: must not contain a line break: the compiler's depfile (make syntax) cannot represent it; rename the file\n  | at hostile.cs:5\n", r.Error);
        Assert.DoesNotContain("Depfile", r.Error);
    }

    [Fact]
    public void An_upwards_source_path_is_one_error_naming_the_role_and_the_path()
    {
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(_root)!, "kiln-faults-outside.c"), "int z(void) { return 3; }\n");
        var r = RunHostile(InContext("    new CompileC { SourceFile = \"../kiln-faults-outside.c\", ObjectFile = \"build/outside.o\", Optimization = \"0\" }.Start();\n"));
        Assert.Contains("error: input dependency 'SourceFile' contains an invalid path: '../kiln-faults-outside.c'\n  | reason: is an upwards path: '../kiln-faults-outside.c'\n  | at hostile.cs:5\n", r.Error);
    }

    [Fact]
    public void A_symbolic_link_loop_as_input_is_one_error_naming_it()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "src", "loop.c"), "loop.c");
        var r = RunHostile(InContext("    new CompileC { SourceFile = \"src/loop.c\", ObjectFile = \"build/loop.o\", Optimization = \"0\" }.Start();\n"));
        Assert.Contains("error: input dependency 'SourceFile' contains an invalid path: 'src/loop.c'\n  | reason: filesystem object exists but is not a regular file\n  | at hostile.cs:5\n", r.Error);
    }

    [Fact]
    public void An_environment_value_that_fails_validation_is_one_error_naming_variable_value_and_pattern()
    {
        var r = RunHostile(InContext(
            """
                Context.Active.Env.ImportFromOuter("KILN_MODE", pattern: "debug|release", example: "release");
                new CompileC { SourceFile = "src/main.c", ObjectFile = "build/mode.o", Optimization = "0" }.Start();
            """), new Dictionary<string, string> { ["KILN_MODE"] = "fast" });
        Assert.DoesNotContain("Exception", r.Error);
        Assert.Contains("error: imported value of environment variable 'KILN_MODE' is not matched by validation pattern: 'fast'\n  | validation pattern in question is 'debug|release'\n  | at hostile.cs:5\n", r.Error);
    }

    [Fact]
    public void A_script_that_throws_keeps_the_redos_it_completed()
    {
        var r = RunHostile(InContext(
            """
                new CompileC { SourceFile = "src/m0.c", ObjectFile = "build/thrown.o", Optimization = "0", IncludeDirectories = ["include/"] }.Start();
                throw new InvalidOperationException("the script gave up");
            """));
        Assert.Contains("error: InvalidOperationException: the script gave up\n  | at hostile.cs:6\n", r.Error);
        Assert.True(File.Exists(Path.Combine(_root, "build", "thrown.o")), "the redo started before the exception completes at the context's exit");
        AssertRecorded("build/thrown.o");
    }

    // Issue 13 item 3: the run was recorded as successful, so 'kiln explain' showed its redos and the next summary
    // counted it among the "previous successful runs".
    [Fact]
    public void A_script_that_throws_inside_its_root_context_is_a_failed_run_that_explain_shows_as_failed_and_the_next_summary_leaves_out()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        var good = KilnProcess.Run(_root, "build");
        Assert.True(good.ExitCode == 0, good.Error);
        _project.Write("thrower.cs", InContext(
            """
                new CompileC { SourceFile = "src/m0.c", ObjectFile = "build/thrown.o", Optimization = "0", IncludeDirectories = ["include/"] }.Start();
                throw new InvalidOperationException("the script gave up");
            """));
        var thrown = KilnProcess.Run(_root, "build", "thrower");
        Assert.True(thrown.ExitCode == 1, thrown.Error);
        Assert.DoesNotContain("I run:", thrown.Error, StringComparison.Ordinal);

        var explain = KilnProcess.Run(_root, "explain");
        Assert.True(explain.ExitCode == 0, explain.Error);
        // The last run, as 'kiln trace' shows it, said to be failed, with the redo it completed (issue 19 §2).
        Assert.Contains("(failed, or still running): 1 redo(s) completed and recorded", explain.Output, StringComparison.Ordinal);
        Assert.Contains("'build/thrown.o'", explain.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("'build/obj/m0.o'", explain.Output, StringComparison.Ordinal);

        _project.Write("summary.cs", Script(
            """
            Configuration.Default.LatestRunSummaryMaxCount = 5;
            using (new Context())
                new CompileC { SourceFile = "src/m0.c", ObjectFile = "build/thrown.o", Optimization = "0", IncludeDirectories = ["include/"] }.Start();
            """));
        var next = KilnProcess.Run(_root, "build", "summary");
        Assert.True(next.ExitCode == 0, next.Error);
        Assert.Contains("duration compared to mean duration of previous 1 successful runs", next.Error, StringComparison.Ordinal);
        Assert.Contains("I run: 0 redo(s), 1 up to date", next.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void An_async_script_that_throws_inside_its_root_context_is_a_failed_run_and_keeps_its_completed_redos()
    {
        var r = RunHostile(Script(
            """
            await Task.Yield();
            using (new Context(maxParallelRedoCount: 2))
            {
                await new CompileC { SourceFile = "src/m0.c", ObjectFile = "build/thrown-async.o", Optimization = "0", IncludeDirectories = ["include/"] }.Start().CompleteAsync();
                await Task.Yield();
                throw new InvalidOperationException("the async script gave up");
            }
            """));
        Assert.Contains("error: InvalidOperationException: the async script gave up\n", r.Error, StringComparison.Ordinal);
        Assert.True(File.Exists(Path.Combine(_root, "build", "thrown-async.o")));
        AssertRecorded("build/thrown-async.o");
    }

    [Fact]
    public void A_script_that_starts_a_redo_and_never_leaves_its_context_fails_and_the_redo_is_completed_and_recorded()
    {
        var r = RunHostile(Script(
            """
            var context = new Context(maxParallelRedoCount: 2);
            new CompileC { SourceFile = "src/m0.c", ObjectFile = "build/abandoned.o", Optimization = "0", IncludeDirectories = ["include/"] }.Start();
            return 0;
            """));
        Assert.Contains("error: the script ended with a context still active\n  | its pending redos were completed and recorded; enclose each context in 'using (new Context(…)) { … }'\n", r.Error);
        Assert.True(File.Exists(Path.Combine(_root, "build", "abandoned.o")));
        AssertRecorded("build/abandoned.o");
    }

    [Fact]
    public void An_async_script_that_returns_with_its_root_context_open_fails_and_the_redo_is_completed_and_recorded()
    {
        // The context is entered inside the async Main, after an await: its AsyncLocal never reaches kiln's flow.
        var r = RunHostile(Script(
            """
            await Task.Yield();
            var context = new Context(maxParallelRedoCount: 2);
            new CompileC { SourceFile = "src/m0.c", ObjectFile = "build/abandoned-async.o", Optimization = "0", IncludeDirectories = ["include/"] }.Start();
            await Task.Yield();
            return 0;
            """));
        Assert.Contains("error: the script ended with a context still active\n  | its pending redos were completed and recorded; enclose each context in 'using (new Context(…)) { … }'\n", r.Error);
        Assert.True(File.Exists(Path.Combine(_root, "build", "abandoned-async.o")));
        AssertRecorded("build/abandoned-async.o");
    }

    // A .NET string cannot name a file whose name is not UTF-8, so the files are made by bash from raw bytes; gcc
    // writes the raw bytes into its depfile. Before the fix, kiln tracked a (missing) file of another name and said
    // "up to date" after the header changed.
    [Fact]
    public void A_header_whose_name_is_not_UTF8_is_one_error_showing_its_bytes_and_is_never_taken_as_up_to_date()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        using (var bash = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("bash")
               {
                   ArgumentList = { "-c", "printf '#define BYTES 7\\n' > $'src/h\\xff.h' && printf '#include \"h\\xff.h\"\\nint bytes(void) { return BYTES; }\\n' > src/bytes.c" },
                   WorkingDirectory = _root,
               })!)
        {
            bash.WaitForExit();
            Assert.Equal(0, bash.ExitCode);
        }
        var script = InContext("    new CompileC { SourceFile = \"src/bytes.c\", ObjectFile = \"build/bytes.o\", Optimization = \"0\" }.Start();\n");
        var r = RunHostile(script);
        const string expected =
            "error: cannot track the files the compile of 'src/bytes.c' read\n" +
            "  | reason: compiler's depfile, line 1: file name is not valid UTF-8: 'src/h\\xff.h'; Kiln cannot track it as a dependency: rename the file\n" +
            "  | in the redo of CompileC(SourceFile='src/bytes.c', ObjectFile='build/bytes.o'), started at hostile.cs:";
        Assert.Contains(expected, r.Error);
        Assert.DoesNotContain("Exception", r.Error);
        var again = KilnProcess.Run(_root, "build", "hostile");
        Assert.Equal(1, again.ExitCode);
        Assert.Contains(expected, again.Error);
    }

    [Fact]
    public void A_source_name_longer_than_255_bytes_is_one_error_naming_the_role_and_the_shortened_path()
    {
        var r = RunHostile(InContext("    new CompileC { SourceFile = \"src/\" + new string('a', 300) + \".c\", ObjectFile = \"build/long.o\", Optimization = \"0\" }.Start();\n"));
        Assert.Contains($"error: input dependency 'SourceFile' contains an invalid path: 'src/{new string('a', 76)}…{new string('a', 38)}.c'\n" +
            $"  | reason: component '{new string('a', 40)}…{new string('a', 18)}.c' has 302 bytes; a file name has at most 255 (NAME_MAX): shorten it\n  | at hostile.cs:5\n", r.Error);
    }

    // Below a directory that does not exist yet, lstat says "missing", not "too long": before the fix the redo ran and
    // failed with "IOException: cannot rename …".
    [Fact]
    public void An_output_name_longer_than_255_bytes_is_one_error_before_any_redo()
    {
        var r = RunHostile(InContext("    new CompileC { SourceFile = \"src/main.c\", ObjectFile = \"build/new/\" + new string('o', 300) + \".o\", Optimization = \"0\" }.Start();\n"));
        Assert.Contains("error: output dependency 'ObjectFile' contains a path that is not a managed tree path: 'build/new/", r.Error);
        Assert.Contains($"  | reason: component '{new string('o', 40)}…{new string('o', 18)}.o' has 302 bytes; a file name has at most 255 (NAME_MAX): shorten it\n  | at hostile.cs:5\n", r.Error);
        Assert.DoesNotContain("start redo", r.Error);
    }

    [Fact]
    public void Paths_longer_than_4095_bytes_are_one_error_naming_the_role_and_the_length()
    {
        const string deep = "string.Concat(Enumerable.Repeat(new string('d', 200) + \"/\", 25))";
        var r = RunHostile(InContext($"    new CompileC {{ SourceFile = \"src/main.c\", ObjectFile = \"build/\" + {deep} + \"x.o\", Optimization = \"0\" }}.Start();\n"));
        var length = _root.Length + 1 + "build/".Length + (25 * 201) + "x.o".Length;
        Assert.Contains($"  | reason: has {length} bytes as an absolute path; a path has at most 4095 (PATH_MAX): shorten it\n  | at hostile.cs:5\n", r.Error);
        Assert.Contains("error: output dependency 'ObjectFile' contains a path that is not a managed tree path: 'build/dddd", r.Error);
        var input = RunHostile(InContext($"    new CompileC {{ SourceFile = \"src/\" + {deep} + \"x.c\", ObjectFile = \"build/x.o\", Optimization = \"0\" }}.Start();\n"));
        Assert.Contains("error: input dependency 'SourceFile' contains an invalid path: 'src/dddd", input.Error);
        Assert.Contains("bytes as an absolute path; a path has at most 4095 (PATH_MAX): shorten it\n", input.Error);
    }
    // The input and the output are sparse (all zeros, no blocks), so the test costs reading 2 GiB of holes, not disk.
    // The forced third run compares the redo's new output with the existing one: the redo reports kiln's peak memory,
    // which stays far below the files' size because the comparison streams.
    [Fact]
    public void A_1_GiB_input_and_a_1_GiB_output_of_the_same_content_build_and_the_next_run_is_a_no_op()
    {
        const long size = 1L << 30;
        Directory.CreateDirectory(Path.Combine(_root, "big"));
        using (var input = File.Create(Path.Combine(_root, "big", "input.bin")))
            input.SetLength(size);
        _project.Write("big.cs",
            """
            using Kiln;
            using Kiln.Paths;
            using Kiln.Tools;

            using (new Context())
                new SameSize { InputFile = "big/input.bin", OutputFile = "build/big.bin" }.Start(forceRedo: args.Length > 0);

            sealed class SameSize : Tool<SameSize>
            {
                [Input.RegularFile] public required TreePath InputFile { get; init; }
                [Output.RegularFile(ReplaceBySameContent = false)] public required TreePath OutputFile { get; init; }

                protected override Task<bool> RedoAsync(SameSize result, RedoContext context)
                {
                    var length = new FileInfo(context.NativePathOf(InputFile)).Length;
                    using (var temporary = context.Temporary())
                    {
                        using (var stream = File.OpenWrite(context.NativePathOf(temporary.Path)))
                            stream.SetLength(length); // all zeros, as the input
                        context.ReplaceOutput(OutputFile, temporary.Path);
                    }
                    File.WriteAllText(context.NativePathOf("peak-bytes.txt"), System.Diagnostics.Process.GetCurrentProcess().PeakWorkingSet64.ToString());
                    return Task.FromResult(false);
                }
            }
            """);
        var first = KilnProcess.Run(_root, "build", "big");
        Assert.True(first.ExitCode == 0, first.Error);
        Assert.Equal(size, new FileInfo(Path.Combine(_root, "build", "big.bin")).Length);
        var second = KilnProcess.Run(_root, "build", "big");
        Assert.True(second.ExitCode == 0 && second.Error.Contains("run: 0 redo(s)", StringComparison.Ordinal), second.Error);

        var forced = KilnProcess.Run(_root, "build", "big", "force");
        Assert.True(forced.ExitCode == 0, forced.Error);
        Assert.Contains("kept regular file because replacement has same content: 'build/big.bin'", forced.Error);
        var peak = long.Parse(File.ReadAllText(Path.Combine(_root, "peak-bytes.txt")), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(peak < size / 2, $"kiln's peak working set was {peak} bytes while comparing two files of {size} bytes");
    }
}
