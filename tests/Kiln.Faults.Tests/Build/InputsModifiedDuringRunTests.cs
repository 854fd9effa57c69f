namespace Kiln.Faults.Tests.Build;

/// <summary>Issue 8.4, inputs modified during a run, with the real kiln: a redo pauses (see <see cref="PausingBuild"/>)
/// while the test edits files; the next run redoes what read an old state, and its output then has the new content.</summary>
public sealed class InputsModifiedDuringRunTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kiln-faults-during-").FullName;

    public void Dispose()
    {
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { }
    }

    [Fact]
    public void An_explicit_input_modified_during_its_redo_is_redone_next_run()
    {
        using var build = new PausingBuild(_root);
        var kiln = build.Start();
        build.WaitUntilPaused(kiln, "first");
        build.Write("a.txt", "a-two"); // same size: only the mtime tells
        build.Go("first");
        build.WaitUntilPaused(kiln, "second");
        build.Go("second");
        var r = PausingBuild.Finish(kiln);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("a-one", build.Output("a.txt"));

        var next = build.Run();
        Assert.True(next.ExitCode == 0, next.Error);
        Assert.Contains("run: 1 redo(s)", next.Error);
        Assert.Equal("a-two", build.Output("a.txt"));
        Assert.Contains("run: 0 redo(s)", build.Run().Error);
    }

    [Fact]
    public void A_source_edited_between_two_redos_of_a_run_is_read_by_the_later_redo_and_nothing_is_redone_next_run()
    {
        using var build = new PausingBuild(_root);
        var kiln = build.Start();
        build.WaitUntilPaused(kiln, "first");
        build.Write("b.txt", "b-two");
        build.Go("first");
        build.WaitUntilPaused(kiln, "second");
        build.Go("second");
        var r = PausingBuild.Finish(kiln);
        Assert.True(r.ExitCode == 0, r.Error);
        Assert.Equal("a-one", build.Output("a.txt"));
        Assert.Equal("b-two", build.Output("b.txt"));
        Assert.Contains("run: 0 redo(s)", build.Run().Error);
    }

    // The compiler is a wrapper around gcc that pauses after gcc has read the header and written the depfile.
    [Fact]
    public void A_header_found_by_the_depfile_and_modified_during_its_compile_is_redone_next_run()
    {
        if (!File.Exists("/usr/bin/gcc"))
            Assert.Skip("gcc is not installed");
        var signals = Directory.CreateTempSubdirectory("kiln-faults-signals-").FullName;
        System.Diagnostics.Process? kiln = null;
        try
        {
            var wrapper = Path.Combine(signals, "pausing-gcc");
            File.WriteAllText(wrapper,
                $"""
                #!/bin/sh
                /usr/bin/gcc "$@" || exit $?
                case " $* " in *" -MF "*) ;; *) exit 0 ;; esac
                [ -e '{signals}/pause' ] || exit 0
                touch '{signals}/compile.started'
                while [ ! -e '{signals}/compile.go' ]; do sleep 0.01; done
                """);
            File.SetUnixFileMode(wrapper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            Directory.CreateDirectory(Path.Combine(_root, ".kiln"));
            Directory.CreateDirectory(Path.Combine(_root, "src"));
            File.WriteAllText(Path.Combine(_root, "src", "value.h"), "#define VALUE 11\n");
            File.WriteAllText(Path.Combine(_root, "src", "main.c"), "#include \"value.h\"\nint main(void) { return VALUE; }\n");
            File.WriteAllText(Path.Combine(_root, "build.cs"),
                $$"""
                using Kiln;
                using Kiln.Contrib;
                using (new Context())
                {
                    var o = new CompileC { SourceFile = "src/main.c", ObjectFile = "build/main.o", Optimization = "0", Compiler = "{{wrapper}}" }.Start();
                    new LinkExecutable { ObjectFiles = [o.Result.ObjectFile], LinkedFile = "build/app" }.Start();
                }
                """);
            Assert.True(KilnProcess.Run(_root, "build").ExitCode == 0);
            Assert.Equal(11, RunApp());

            File.WriteAllText(Path.Combine(_root, "src", "value.h"), "#define VALUE 22\n");
            File.WriteAllText(Path.Combine(signals, "pause"), "");
            kiln = System.Diagnostics.Process.Start(KilnProcess.StartInfo(_root, ["build"]))!;
            PausingBuild.WaitForFile(kiln, Path.Combine(signals, "compile.started"), "the compile");
            File.WriteAllText(Path.Combine(_root, "src", "value.h"), "#define VALUE 33\n");
            File.Delete(Path.Combine(signals, "pause"));
            File.WriteAllText(Path.Combine(signals, "compile.go"), "");
            var r = PausingBuild.Finish(kiln);
            Assert.True(r.ExitCode == 0, r.Error);
            Assert.Equal(22, RunApp());

            var next = KilnProcess.Run(_root, "build");
            Assert.True(next.ExitCode == 0, next.Error);
            Assert.Contains("run: 2 redo(s)", next.Error);
            Assert.Equal(33, RunApp());
            Assert.Contains("run: 0 redo(s)", KilnProcess.Run(_root, "build").Error);
        }
        finally
        {
            if (kiln is { HasExited: false })
                kiln.Kill(entireProcessTree: true); // a test that failed half-way leaves no paused kiln behind
            kiln?.Dispose();
            try { Directory.Delete(signals, recursive: true); } catch (IOException) { }
        }
    }

    private int RunApp()
    {
        using var app = System.Diagnostics.Process.Start(Path.Combine(_root, "build", "app"))!;
        app.WaitForExit();
        return app.ExitCode;
    }
}
