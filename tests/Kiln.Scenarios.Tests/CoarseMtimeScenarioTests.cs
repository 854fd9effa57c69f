using Kiln.Paths;
using Kiln.Scheduling;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// Issue 8.4, coarse mtimes simulated in-process: the engine on the real file system seen through
/// <see cref="CoarseMtimeFileSystem"/> (mtimes truncated to 1 s and to 2 s). An input modified during its redo in the
/// same tick as its last edit, with the same size, keeps its mtime on such a file system; the next run must redo all
/// the same. Rapid edit/build cycles must give the outputs of a build from scratch every time.
/// </summary>
public sealed class CoarseMtimeScenarioTests : IDisposable
{
    private readonly WorkingTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    private Context Enter(CoarseMtimeFileSystem fs) => new(1, _tree.Configuration, _tree.Root, fs, SystemProcessRunner.Instance);

    // In '.kiln/u/', which belongs to the user, not to Kiln, and is outside the managed tree.
    private void WaitForTickStart(CoarseMtimeFileSystem fs)
    {
        Directory.CreateDirectory(_tree.PathOf(".kiln/u"));
        fs.WaitForTickStart(_tree.PathOf(".kiln/u/tick"));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void An_explicit_input_rewritten_with_the_same_size_during_its_redo_in_the_tick_of_its_last_edit_is_redone_next_run(int seconds)
    {
        var fs = new CoarseMtimeFileSystem(TimeSpan.FromSeconds(seconds));
        var script = ScriptedTool.Register(async (t, c) =>
        {
            var text = await File.ReadAllTextAsync(c.NativePathOf(t.SourceFile!));
            await File.WriteAllTextAsync(c.NativePathOf(t.ObjectFile), text);
            if (text == "int a;")
                await File.WriteAllTextAsync(c.NativePathOf(t.SourceFile!), "int b;");
            return false;
        });
        var tool = new ScriptedTool { Script = script, SourceFile = "src/a.cpp", ObjectFile = "a.o" };
        WaitForTickStart(fs);
        _tree.Write("src/a.cpp", "int a;");
        using (Enter(fs))
            Assert.True(tool.Start());
        Assert.Equal("int a;", _tree.Read("a.o"));
        using (Enter(fs))
            Assert.Equal("redo necessary because of filesystem object: 'src/a.cpp' (reason: mtime has changed)", tool.Start().Reason?.ToString());
        Assert.Equal("int b;", _tree.Read("a.o"));
        using (Enter(fs))
            Assert.False(tool.Start());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void A_known_non_explicit_input_rewritten_with_the_same_size_during_the_redo_in_the_tick_of_its_last_edit_is_redone_next_run(int seconds)
    {
        var fs = new CoarseMtimeFileSystem(TimeSpan.FromSeconds(seconds));
        var editDuringRedo = false;
        var script = HeaderTool.Register(async (tool, c) =>
        {
            var header = c.NativePathOf("n.h");
            await File.WriteAllTextAsync(c.NativePathOf(tool.ObjectFile), await File.ReadAllTextAsync(header));
            if (editDuringRedo)
                await File.WriteAllTextAsync(header, "n3");
            return false;
        });
        var withHeader = new HeaderTool { Script = script, ObjectFile = "n.o" };
        _tree.Write("n.h", "n1");
        using (_tree.Enter())
            Assert.True(withHeader.Start());
        using (_tree.Enter())
            withHeader.Start(); // a new non-explicit input may cause one more redo (decision 0003)
        using (_tree.Enter())
            Assert.False(withHeader.Start());

        editDuringRedo = true;
        WaitForTickStart(fs);
        _tree.Write("n.h", "n2");
        using (Enter(fs))
            Assert.Equal("redo necessary because of filesystem object: 'n.h' (reason: mtime has changed)", withHeader.Start().Reason?.ToString());
        Assert.Equal("n2", _tree.Read("n.o"));
        editDuringRedo = false;
        using (Enter(fs))
            Assert.Equal("redo necessary because of filesystem object: 'n.h' (reason: mtime has changed)", withHeader.Start().Reason?.ToString());
        Assert.Equal("n3", _tree.Read("n.o"));
        using (Enter(fs))
            Assert.False(withHeader.Start());
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Rapid_edit_and_build_cycles_give_the_outputs_of_a_build_from_scratch_every_time(int seconds)
    {
        var fs = new CoarseMtimeFileSystem(TimeSpan.FromSeconds(seconds));
        var files = new[] { "src/a.c", "src/a.h", "src/b.c" };
        _tree.Write("src/a.c", "#include \"a.h\"\naaaa\n");
        _tree.Write("src/a.h", "hhhh\n");
        _tree.Write("src/b.c", "bbbb\n");
        var random = new Random(seconds);
        for (var cycle = 0; cycle < 4; cycle++)
        {
            if (cycle > 0)
            {
                // Same size, other content: only the mtime can tell (the size cannot).
                var file = files[random.Next(files.Length)];
                var text = _tree.Read(file);
                var letter = (char)('c' + cycle);
                _tree.Write(file, text[..^5] + new string(letter, 4) + "\n");
            }
            using (Enter(fs))
            {
                var a = new CompileTool { SourceFile = "src/a.c", ObjectFile = "out/a.o" }.Start();
                var b = new CompileTool { SourceFile = "src/b.c", ObjectFile = "out/b.o" }.Start();
                new LinkTool { ObjectFiles = [a.Result.ObjectFile, b.Result.ObjectFile], ApplicationFile = "out/app" }.Start();
            }
            Assert.Equal(FromScratch(), _tree.Read("out/app"));
        }
    }

    // An mtime far ahead of the working-tree time is a clock problem (dlb's A-T1), not an edit in the current tick: the
    // redo does not wait for the clock to reach it (that would fail after Configuration.WorkingTreeTimeLimit).
    [Fact]
    public void An_input_with_an_mtime_an_hour_in_the_future_is_redone_without_waiting_for_it()
    {
        _tree.Write("src/a.cpp", "int a;");
        File.SetLastWriteTimeUtc(_tree.PathOf("src/a.cpp"), TimeProvider.System.GetUtcNow().UtcDateTime.AddHours(1));
        var configuration = new Configuration { Log = _tree.Configuration.Log, WorkingTreeTimeLimit = TimeSpan.FromSeconds(1) };
        using (_tree.Enter(configuration))
            Assert.True(new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }.Start());
        using (_tree.Enter(configuration))
            Assert.False(new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }.Start());
    }

    private string FromScratch()
    {
        string? Read(TreePath p) => File.Exists(_tree.PathOf(p.AsString())) ? _tree.Read(p.AsString()) : null;
        return Pipeline.Link([
            ("out/a.o", Pipeline.Compile(TreePath.Parse("src/a.c"), Read)),
            ("out/b.o", Pipeline.Compile(TreePath.Parse("src/b.c"), Read)),
        ]);
    }
}
