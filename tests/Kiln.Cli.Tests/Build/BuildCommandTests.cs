using System.Text.Json;
using Kiln.Cli.Build;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace Kiln.Cli.Tests.Build;

/// <summary>End-to-end: the real kiln process on temporary working trees (dlb-spec §11.1 case 25, adapted).</summary>
public sealed class BuildCommandTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-cli-build-").FullName;

    public BuildCommandTests() => Directory.CreateDirectory(Path.Combine(_root, ".kiln"));

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    private void Write(string relative, string text)
    {
        var path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private const string PrintArguments = "Console.Write(System.Text.Json.JsonSerializer.Serialize(args));\n";

    [Fact]
    public void Outside_a_working_tree_kiln_fails_with_one_line_and_exit_status_1()
    {
        var outside = Directory.CreateTempSubdirectory("kiln-cli-outside-").FullName;
        try
        {
            var r = KilnProcess.Run(outside, "build");
            Assert.Equal(1, r.ExitCode);
            Assert.StartsWith("error: current working directory not in a kiln working tree (no '.kiln' found)\n", r.Error);
        }
        finally
        {
            Directory.Delete(outside, true);
        }
    }

    [Fact]
    public void Without_arguments_and_history_kiln_prints_usage_and_exits_with_2_even_from_a_subdirectory()
    {
        Directory.CreateDirectory(Path.Combine(_root, "a", "b", "c"));
        var r = KilnProcess.Run(Path.Combine(_root, "a", "b", "c"));
        Assert.Equal(2, r.ExitCode);
        Assert.StartsWith("usage: kiln ", r.Error);
    }

    [Fact]
    public void Arguments_with_newlines_and_trailing_spaces_reach_the_script_and_are_remembered_exactly()
    {
        Write("print.cs", PrintArguments);
        var r = KilnProcess.Run(_root, "build", "print", "a\nb", "c ");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal(["a\nb", "c "], JsonSerializer.Deserialize<string[]>(r.Output)!);
        Assert.Equal(["print.cs", "a\nb", "c "], JsonSerializer.Deserialize<string[]>(File.ReadAllText(Path.Combine(_root, ".kiln", "last-arguments.json")))!);

        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        var again = KilnProcess.Run(Path.Combine(_root, "sub"));
        Assert.Equal(0, again.ExitCode);
        Assert.Equal("using arguments of last successful run: 'print.cs', 'a\\nb', 'c '\n", again.Error.Split("I run:")[0]);
        Assert.Equal(["a\nb", "c "], JsonSerializer.Deserialize<string[]>(again.Output)!);
    }

    [Fact]
    public void A_successful_run_writes_the_configuration_record_and_a_failed_one_removes_it()
    {
        Write("src/a.c", "");
        Write("build.cs", "using Kiln;\nusing (new Context()) { Kiln.Sources.Glob(\"src/*.c\"); }\nreturn args.Length;\n");
        var record = Path.Combine(_root, ".kiln", "configuration-1.json");
        Assert.Equal(0, KilnProcess.Run(_root, "build").ExitCode);
        var r = JsonDocument.Parse(File.ReadAllText(record)).RootElement;
        Assert.Equal(["build.cs"], r.GetProperty("arguments").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal(Path.Combine(_root, "build.cs"), r.GetProperty("scripts")[0].GetProperty("path").GetString());
        Assert.Contains(r.GetProperty("references").EnumerateArray(), f => f.GetProperty("path").GetString()!.EndsWith("/Kiln.dll", StringComparison.Ordinal));
        Assert.Equal("src/*.c", r.GetProperty("listings")[0].GetProperty("pattern").GetString());

        // The root context succeeded, the script did not (exit status 1): no record.
        Assert.Equal(1, KilnProcess.Run(_root, "build", "build.cs", "x").ExitCode);
        Assert.False(File.Exists(record));
    }

    [Fact]
    public void Verbose_names_what_makes_the_script_not_replayable_and_the_record_keeps_it()
    {
        Write("build.cs", "using Kiln;\nusing (new Context()) { }\nvar v = File.Exists(\"VERSION\");\n");
        var r = KilnProcess.Run(_root, "build", "--verbose");
        Assert.Equal(0, r.ExitCode);
        const string reason = "build.cs(3,14): not replayable: System.IO.File.Exists reads a file outside a redo; use Sources.ReadAllText";
        Assert.Contains(reason + "\n", r.Error, StringComparison.Ordinal);
        var record = JsonDocument.Parse(File.ReadAllText(Path.Combine(_root, ".kiln", "configuration-1.json"))).RootElement;
        Assert.False(record.GetProperty("replayable").GetBoolean());
        Assert.Equal([reason], record.GetProperty("reasons").EnumerateArray().Select(a => a.GetString()));
        Assert.DoesNotContain("not replayable", KilnProcess.Run(_root, "build").Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_broken_history_file_is_named_in_one_error_line()
    {
        Write(".kiln/last-arguments.json", "['../build.cs']");
        var r = KilnProcess.Run(_root);
        Assert.Equal(1, r.ExitCode);
        Assert.Equal($"error: invalid kiln history file (remove it manually): '{Path.Combine(_root, ".kiln", "last-arguments.json")}'\n", r.Error);
    }

    [Theory]
    [InlineData("/abs/build.cs", "error: not a valid script name (since absolute): '/abs/build.cs'")]
    [InlineData("../build", "error: not a valid script name (since upwards path): '../build'")]
    [InlineData("missing", "error: not an existing script: 'missing.cs'")]
    public void Invalid_script_names_fail_with_one_clear_error(string name, string message)
    {
        var r = KilnProcess.Run(_root, "build", name);
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith(message, r.Error);
    }

    [Fact]
    public void A_compile_error_is_printed_compiler_style_without_a_stack_trace()
    {
        Write("build.cs", "var x = 1;\nundefinedThing();\n");
        var r = KilnProcess.Run(_root, "build");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("build.cs(2,1): error CS0103: The name 'undefinedThing' does not exist in the current context\n", r.Error);
        Assert.False(File.Exists(Path.Combine(_root, ".kiln", "last-arguments.json")));
    }

    // Issue 13 item 5: a helper not awaited in a redo (CS4014) is a bug the compiler sees; its warnings are shown once
    // per compile, compactly, and not again while the compiled script is taken from the cache.
    [Fact]
    public void The_compiler_warnings_of_a_script_are_printed_once_when_it_is_compiled()
    {
        Write("build.cs", "Console.Write(\"x\");\nawait Forget();\nstatic async Task Later() => await Task.Yield();\nstatic async Task Forget()\n{\n    Later();\n    await Task.Yield();\n}\n");
        var first = KilnProcess.Run(_root, "build");
        Assert.Equal(0, first.ExitCode);
        Assert.Equal("x", first.Output);
        Assert.StartsWith(
            "build.cs(6,5): warning CS4014: Because this call is not awaited, execution of the current method continues before the call is completed.",
            first.Error);
        Assert.Single(first.Error.Split('\n'), l => l.Contains("warning", StringComparison.Ordinal));

        var second = KilnProcess.Run(_root, "build");
        Assert.Equal(0, second.ExitCode);
        Assert.DoesNotContain("warning", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void The_compiled_script_is_cached_and_recompiled_only_after_an_edit()
    {
        Write("build.cs", "Console.Write(\"one\");\n");
        Assert.Equal("one", KilnProcess.Run(_root, "build").Output);
        var scripts = Path.Combine(_root, ".kiln", "scripts");
        var first = Directory.GetFiles(scripts, "*.dll").Single();
        var stamp = File.GetLastWriteTimeUtc(first);

        Assert.Equal("one", KilnProcess.Run(_root, "build").Output);
        Assert.Equal([first], Directory.GetFiles(scripts, "*.dll"));
        Assert.Equal(stamp, File.GetLastWriteTimeUtc(first));

        Write("build.cs", "Console.Write(\"two\");\n");
        Assert.Equal("two", KilnProcess.Run(_root, "build").Output);
        Assert.Equal(2, Directory.GetFiles(scripts, "*.dll").Length);
    }

    /// <summary>The embedded PDB names the script by its absolute path: an assembly cached at the old place of a
    /// moved working tree would lose the script's frames in errors (and the files of tools defined in the script).</summary>
    [Fact]
    public void A_moved_working_tree_compiles_its_script_again_and_errors_keep_their_script_frames()
    {
        Write("build.cs", "Console.Write(\"\");\nthrow new InvalidOperationException(\"boom\");\n");
        Assert.Equal("error: InvalidOperationException: boom\n  | at build.cs:2\n", KilnProcess.Run(_root, "build").Error);
        var moved = _root + "-moved";
        Directory.Move(_root, moved);
        try
        {
            var r = KilnProcess.Run(moved, "build");
            Assert.Equal("error: InvalidOperationException: boom\n  | at build.cs:2\n", r.Error);
            Assert.Equal(2, Directory.GetFiles(Path.Combine(moved, ".kiln", "scripts"), "*.dll").Length);
        }
        finally
        {
            Directory.Move(moved, _root);
        }
    }

    [Fact]
    public void The_scripts_exit_code_becomes_kilns_and_a_failed_run_is_not_remembered()
    {
        Write("build.cs", "return 3;\n");
        var r = KilnProcess.Run(_root, "build");
        Assert.Equal(3, r.ExitCode);
        Assert.False(File.Exists(Path.Combine(_root, ".kiln", "last-arguments.json")));
    }

    [Fact]
    public void An_exception_in_the_script_shows_the_message_and_script_frames_only_unless_verbose()
    {
        Write("build.cs", "Console.Write(\"\");\nthrow new InvalidOperationException(\"boom\");\n");
        var r = KilnProcess.Run(_root, "build");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: InvalidOperationException: boom\n  | at build.cs:2\n", r.Error);

        var verbose = KilnProcess.Run(_root, "build", "--verbose");
        Assert.Equal(1, verbose.ExitCode);
        Assert.Contains("System.InvalidOperationException: boom", verbose.Error, StringComparison.Ordinal);
        Assert.Contains("   at ", verbose.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Assemblies_in_kiln_u_are_referenced_and_reported()
    {
        var u = Path.Combine(_root, ".kiln", "u");
        Directory.CreateDirectory(u);
        foreach (var (name, text) in new[] { ("GreetingLib", "hello from a local package"), ("OtherLib", "other") })
        {
            var compilation = CSharpCompilation.Create(name,
                [CSharpSyntaxTree.ParseText($"namespace {name} {{ public static class Text {{ public static string Value => \"{text}\"; }} }}", cancellationToken: TestContext.Current.CancellationToken)],
                [MetadataReference.CreateFromFile(typeof(object).Assembly.Location)],
                new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
            Assert.True(compilation.Emit(Path.Combine(u, name + ".dll"), cancellationToken: TestContext.Current.CancellationToken).Success);
        }
        Write("build.cs", "Console.Write(GreetingLib.Text.Value);\n");
        var r = KilnProcess.Run(_root, "build");
        Assert.Equal(0, r.ExitCode);
        Assert.Equal("hello from a local package", r.Output);
        Assert.StartsWith("adding 2 assembly file(s) from '.kiln/u/' to the script's references\n", r.Error);
    }

    [Fact]
    public void A_build_script_runs_tools_and_a_second_run_redoes_nothing()
    {
        Write("src/in.txt", "content");
        Write("build.cs", CopyScript.Text.Replace("README.md", "src/in.txt", StringComparison.Ordinal));
        var first = KilnProcess.Run(_root, "build");
        Assert.Equal(0, first.ExitCode);
        Assert.Contains("I start redo for Copy src/in.txt → build/src/in.txt", first.Error, StringComparison.Ordinal);
        Assert.Contains("I run: 1 redo(s), 0 up to date", first.Error, StringComparison.Ordinal);
        Assert.Equal("content", File.ReadAllText(Path.Combine(_root, "build", "src", "in.txt")));

        var second = KilnProcess.Run(_root);
        Assert.Equal(0, second.ExitCode);
        Assert.DoesNotContain("start redo", second.Error, StringComparison.Ordinal);
        Assert.Contains("I run: 0 redo(s), 1 up to date", second.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Explain_shows_the_reason_of_each_redo_of_the_last_run()
    {
        Write("src/in.txt", "content");
        Write("build.cs", CopyScript.Text.Replace("README.md", "src/in.txt", StringComparison.Ordinal));
        Assert.Equal(0, KilnProcess.Run(_root, "build").ExitCode);
        var r = KilnProcess.Run(_root, "explain");
        Assert.Equal(0, r.ExitCode);
        Assert.Contains("1 redo(s) of 1 tool instance start(s)", r.Output, StringComparison.Ordinal);
        Assert.Contains("Copy(Source='src/in.txt', Destination='build/src/in.txt')\n  | redo necessary because of filesystem object: 'build/src/in.txt' (reason: does not exist)", r.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void Init_creates_the_marker_a_gitignore_and_a_starter_script_that_builds_and_says_what_it_created()
    {
        var dir = Directory.CreateTempSubdirectory("kiln-cli-init-").FullName;
        try
        {
            var r = KilnProcess.Run(dir, "init");
            Assert.Equal(0, r.ExitCode);
            Assert.Equal(
                $"created .kiln/\ncreated .kiln/z\ncreated .kiln/.gitignore\ncreated build.cs\ncreated src/main.c\ninitialised working tree {dir}/; build with 'kiln build'\n",
                r.Output);
            Assert.Equal(InitCommand.GitIgnore, File.ReadAllText(Path.Combine(dir, ".kiln", ".gitignore")));
            // From a source checkout, the starter names Kiln.Contrib's project for editors and 'dotnet run build.cs'.
            Assert.StartsWith("#:project /", File.ReadAllText(Path.Combine(dir, "build.cs")), StringComparison.Ordinal);
            Assert.Equal(0, KilnProcess.Run(dir, "build").ExitCode);
            var app = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(Path.Combine(dir, "build", "app")) { RedirectStandardOutput = true })!;
            Assert.Equal("hello from kiln\n", app.StandardOutput.ReadToEnd());
            app.WaitForExit();

            var again = KilnProcess.Run(dir, "init");
            Assert.Equal(0, again.ExitCode);
            Assert.Equal($"{dir}/ is already a working tree; nothing to create\n", again.Output);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void The_gitignore_of_init_leaves_only_z_and_itself_of_kilns_files_to_git()
    {
        if (!File.Exists("/usr/bin/git"))
            Assert.Skip("git is not installed");
        var dir = Directory.CreateTempSubdirectory("kiln-cli-init-git-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(dir, ".kiln", "scripts"));
            foreach (var name in (string[])["runs-2.sqlite", "runs-2.sqlite-wal", "lock", "trace.json", "o", "scripts/a.dll", "z"])
                File.WriteAllText(Path.Combine(dir, ".kiln", name), "");
            File.WriteAllText(Path.Combine(dir, ".kiln", ".gitignore"), InitCommand.GitIgnore);
            Directory.CreateDirectory(Path.Combine(dir, ".kiln", "u"));
            File.WriteAllText(Path.Combine(dir, ".kiln", "u", "lib.dll"), "");
            var info = new System.Diagnostics.ProcessStartInfo("git", "-c init.defaultBranch=main init -q") { WorkingDirectory = dir };
            System.Diagnostics.Process.Start(info)!.WaitForExit();
            info = new System.Diagnostics.ProcessStartInfo("git", "status --porcelain -uall") { WorkingDirectory = dir, RedirectStandardOutput = true };
            using var status = System.Diagnostics.Process.Start(info)!;
            var listed = status.StandardOutput.ReadToEnd();
            status.WaitForExit();

            Assert.Equal("?? .kiln/.gitignore\n?? .kiln/u/lib.dll\n?? .kiln/z\n", listed);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }

    [Fact]
    public void Init_inside_another_working_tree_is_refused_with_what_to_do()
    {
        Directory.CreateDirectory(Path.Combine(_root, "sub"));
        var r = KilnProcess.Run(Path.Combine(_root, "sub"), "init");
        Assert.Equal(1, r.ExitCode);
        Assert.StartsWith($"error: already inside the working tree '{_root}/'\n", r.Error);
        Assert.False(Directory.Exists(Path.Combine(_root, "sub", ".kiln")));
    }

    [Fact]
    public void Version_and_help_come_from_the_command_line_parser()
    {
        var version = KilnProcess.Run(_root, "--version");
        Assert.Equal(0, version.ExitCode);
        Assert.Matches(@"^\d+\.\d+\.\d+", version.Output);
        var help = KilnProcess.Run(_root, "--help");
        Assert.Equal(0, help.ExitCode);
        Assert.Contains("build", help.Output, StringComparison.Ordinal);
        Assert.Contains("explain", help.Output, StringComparison.Ordinal);
        Assert.Contains("jit", help.Output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_command_is_a_usage_error_with_status_2()
    {
        var r = KilnProcess.Run(_root, "frobnicate");
        Assert.Equal(2, r.ExitCode);
    }

    [Fact]
    public void Build_help_is_shown_outside_and_inside_a_working_tree()
    {
        var outside = Directory.CreateTempSubdirectory("kiln-cli-outside-").FullName;
        try
        {
            var r = KilnProcess.Run(outside, "build", "--help");
            Assert.Equal(0, r.ExitCode);
            Assert.Contains("--verbose", r.Output, StringComparison.Ordinal);
        }
        finally
        {
            Directory.Delete(outside, true);
        }
        var inside = KilnProcess.Run(_root, "build", "-v", "-h");
        Assert.Equal(0, inside.ExitCode);
        Assert.Contains("kiln build [<script> [<script-arguments>...]] [options]", inside.Output, StringComparison.Ordinal);
        Assert.Contains("kiln build --help", KilnProcess.Run(_root, "--help").Output, StringComparison.Ordinal);
    }

    [Fact]
    public void An_option_before_any_command_is_a_usage_error_naming_it()
    {
        var r = KilnProcess.Run(_root, "-j4");
        Assert.Equal(2, r.ExitCode);
        Assert.Equal("error: unknown option '-j4'\n  | options of a build go after 'build' ('kiln build --help'); see 'kiln --help'\n", r.Error);
    }

    [Fact]
    public void A_misspelt_script_is_one_error_offering_the_nearest_script()
    {
        Write("build.cs", "return 0;\n");
        var r = KilnProcess.Run(_root, "build", "biuld");
        Assert.Equal(1, r.ExitCode);
        Assert.Equal("error: not an existing script: 'biuld.cs'\n  | did you mean 'build.cs'? ('kiln build build.cs')\n", r.Error);
    }

    [Fact]
    public void The_kiln_command_carries_native_sqlite_only_for_linux_and_macos()
    {
        // The tool package is built from the same dependency set as the command beside this test (see Kiln.Cli.csproj).
        var deps = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "Kiln.Cli.deps.json"));
        var rids = System.Text.RegularExpressions.Regex.Matches(deps, "\"rid\": \"([^\"]+)\"").Select(m => m.Groups[1].Value).Distinct().ToList();
        Assert.Contains("linux-x64", rids);
        Assert.All(rids, rid => Assert.True(rid.StartsWith("linux", StringComparison.Ordinal) || rid.StartsWith("osx", StringComparison.Ordinal), rid));
    }

    [Fact]
    public void Clean_dead_removes_only_outputs_of_tools_no_longer_started_and_clean_removes_the_rest()
    {
        Write("src/in.txt", "content");
        // The starter's Copy tool, started for build/a.txt always and for build/b.txt when the script gets "b".
        Write("build.cs", CopyScript.Text.Replace(
            "new Copy { Source = \"README.md\", Destination = \"build/README.md\" }.Start();",
            "new Copy { Source = \"src/in.txt\", Destination = \"build/a.txt\" }.Start();\n" +
            "    if (args.Contains(\"b\")) new Copy { Source = \"src/in.txt\", Destination = \"build/b.txt\" }.Start();", StringComparison.Ordinal));
        Assert.Equal(0, KilnProcess.Run(_root, "build", "build", "b").ExitCode);
        Assert.Equal(0, KilnProcess.Run(_root, "build").ExitCode);
        Write("build/by-hand.txt", "mine");

        var dry = KilnProcess.Run(_root, "clean", "--dead", "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Equal("would remove 'build/b.txt'\n1 output(s) would be removed\n", dry.Output);
        Assert.True(File.Exists(Path.Combine(_root, "build", "b.txt")));

        Assert.Equal("removed 'build/b.txt'\n1 output(s) removed\n", KilnProcess.Run(_root, "clean", "--dead").Output);
        Assert.True(File.Exists(Path.Combine(_root, "build", "a.txt")));

        Assert.Equal("removed 'build/a.txt'\n1 output(s) removed\n", KilnProcess.Run(_root, "clean").Output);
        Assert.Equal(["by-hand.txt"], Directory.EnumerateFiles(Path.Combine(_root, "build")).Select(Path.GetFileName));
        var rebuilt = KilnProcess.Run(_root, "build");
        Assert.Contains("I run: 1 redo(s), 0 up to date", rebuilt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void A_failed_redo_names_its_tool_instance_and_the_line_of_its_start()
    {
        Write("build.cs",
            """
            using Kiln;
            using Kiln.Paths;
            using Kiln.Tools;
            using (new Context())
            {
                var unrelated = 1;
                new Fail { Output = "build/x" }.Start();
                unrelated++;
            }

            sealed class Fail : Tool<Fail>
            {
                [Output.RegularFile] public required TreePath Output { get; init; }
                protected override Task<bool> RedoAsync(Fail result, RedoContext context) => throw new InvalidOperationException("boom");
            }
            """);

        var r = KilnProcess.Run(_root, "build");

        Assert.Equal(1, r.ExitCode);
        Assert.Contains("error: InvalidOperationException: boom\n  | in the redo of Fail(Output='build/x'), started at build.cs:7\n", r.Error, StringComparison.Ordinal);
    }
}
