namespace Kiln.Scenarios.Tests;

/// <summary>dlb-spec §11.1 cases on real temporary working trees: build, edit, build again, assert redos and reasons.</summary>
public sealed class RedoScenarioTests : IDisposable
{
    private readonly WorkingTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    private ATool Compile() => new() { SourceFile = "src/a.cpp", ObjectFile = "a.o" };

    [Fact]
    public void No_redo_is_needed_when_no_input_was_modified()
    {
        _tree.Write("src/a.cpp", "int a;");
        bool first, second, third, fourth;
        using (_tree.Enter())
        {
            first = Compile().Start();
            Context.Active.CompletePendingRedos();
            second = Compile().Start();
            third = new ATool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }.Start();
        }
        using (_tree.Enter())
            fourth = Compile().Start();
        Assert.Equal([true, false, false, false], new[] { first, second, third, fourth });
        Assert.Equal("int a;", _tree.Read("a.o"));
    }

    [Fact]
    public void A_redo_is_needed_when_the_input_mtime_or_size_changed()
    {
        _tree.Write("src/a.cpp", "int a;");
        using (_tree.Enter())
            Compile().Start();
        _tree.Write("src/a.cpp", "int b;");
        _tree.TakeOutput();
        using (_tree.Enter())
            Assert.Equal("redo necessary because of filesystem object: 'src/a.cpp' (reason: mtime has changed)", Compile().Start().Reason?.ToString());
        Assert.Contains("I redo necessary because of filesystem object: 'src/a.cpp' \n  | reason: mtime has changed\n", _tree.TakeOutput());
        _tree.Write("src/a.cpp", "int bb;");
        using (_tree.Enter())
        {
            Assert.Equal("size has changed", Compile().Start().Reason?.Detail);
            Context.Active.CompletePendingRedos();
            Assert.False(Compile().Start());
        }
    }

    [Fact]
    public void A_missing_output_causes_a_redo_that_recreates_it()
    {
        _tree.Write("src/a.cpp", "x");
        using (_tree.Enter())
            Compile().Start();
        File.Delete(_tree.PathOf("a.o"));
        using (_tree.Enter())
            Assert.Equal("redo necessary because of filesystem object: 'a.o' (reason: does not exist)", Compile().Start().Reason?.ToString());
        Assert.True(File.Exists(_tree.PathOf("a.o")));
    }

    [Fact]
    public void An_output_of_the_wrong_kind_is_removed_before_the_redo()
    {
        _tree.Write("src/a.cpp", "x");
        Directory.CreateDirectory(_tree.PathOf("a.o"));
        using (_tree.Enter())
            Assert.Equal("filesystem object exists but is not a regular file", Compile().Start().Reason?.Detail);
        Assert.True(File.Exists(_tree.PathOf("a.o")));
    }

    [Fact]
    public void Non_explicit_inputs_are_tracked_from_the_second_run_on()
    {
        _tree.Write("a.cpp", "x");
        var t = new FTool { SourceFile = "a.cpp", ObjectFile = "a.o" };
        using (_tree.Enter())
        {
            Assert.Equal("redo necessary because of filesystem object: 'a.o' (reason: does not exist)", t.Start().Reason?.ToString());
            Context.Active.CompletePendingRedos();
            Assert.Equal("redo necessary because of filesystem object: 'a.h' (reason: was a new dependency or was potentially changed by a redo)", t.Start().Reason?.ToString());
        }
        using (_tree.Enter())
        {
            _tree.Write("a.h", "h");
            Assert.Equal("existence has changed", t.Start().Reason?.Detail);
        }
        using (_tree.Enter())
            Assert.False(t.Start());
        File.Delete(_tree.PathOf("a.h"));
        using (_tree.Enter())
            Assert.Equal("redo necessary because of non-existent filesystem object: 'a.h'", t.Start().Reason?.ToString());
        using (_tree.Enter())
            Assert.False(t.Start());
    }

    [Fact]
    public void A_consumer_of_another_instances_output_is_redone_after_that_redo()
    {
        _tree.Write("src/a.cpp", "a");
        _tree.Write("src/b.cpp", "b");
        var t = Compile();
        var t2 = new ATool { SourceFile = "src/b.cpp", ObjectFile = "src/a.cpp" };
        using (_tree.Enter())
            t.Start();
        using (_tree.Enter())
            t2.Start();
        using (_tree.Enter())
        {
            Assert.Equal("output dependency of a tool instance potentially changed by a redo", t.Start().Reason?.Detail);
            Context.Active.CompletePendingRedos();
            Assert.False(t.Start());
        }
        Assert.Equal("b", _tree.Read("a.o"));
    }

    [Fact]
    public void Forcing_a_redo_gives_its_own_reason()
    {
        _tree.Write("src/a.cpp", "a");
        using (_tree.Enter())
        {
            Compile().Start();
            Context.Active.CompletePendingRedos();
            Assert.False(Compile().Start());
            Assert.Equal("redo requested by start()", Compile().Start(forceRedo: true).Reason?.ToString());
        }
    }
}
