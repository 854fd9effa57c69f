using Kiln.Diagnostics;
using Kiln.Paths;
using Kiln.Tools;

namespace Kiln.Scenarios.Tests;

/// <summary>
/// dlb-spec §11.1 case 24 (dlb's <c>test_ex_redocontext.py</c>): <see cref="RedoContext.ReplaceOutput"/>, and
/// what a kept or replaced output means for the tool instances that read it.
/// </summary>
public sealed class ReplaceOutputScenarioTests : IDisposable
{
    private readonly WorkingTreeFixture _tree = new();

    public ReplaceOutputScenarioTests()
    {
        // Only the replacement messages, as dlb's test sees them.
        _tree.Configuration.Levels.RedoReason = Level.Debug;
        _tree.Configuration.Levels.RedoStart = Level.Debug;
    }

    public void Dispose() => _tree.Dispose();

    private static string Replace(TreePath path, TreePath source, List<bool>? returned = null) => ScriptedTool.Register((t, c) =>
    {
        var replaced = c.ReplaceOutput(path, source);
        returned?.Add(replaced);
        return Task.FromResult(false);
    });

    [Fact]
    public void A_replacement_with_the_same_content_keeps_the_output_and_deletes_the_replacement()
    {
        _tree.Write("a", "AA");
        _tree.Write("b", "AA");
        var returned = new List<bool>();
        using (_tree.Enter())
            new ScriptedTool { Script = Replace("a", "b", returned), ObjectFile = "a" }.Start();
        Assert.Equal([false], returned);
        Assert.False(File.Exists(_tree.PathOf("b")));
        Assert.Equal("AA", _tree.Read("a"));
        Assert.Equal("I kept regular file because replacement has same content: 'a'\n", _tree.TakeOutput());
    }

    [Fact]
    public void A_replacement_with_other_content_replaces_the_output()
    {
        _tree.Write("a", "AA");
        _tree.Write("b", "AB");
        var returned = new List<bool>();
        using (_tree.Enter())
            new ScriptedTool { Script = Replace("a", "b", returned), ObjectFile = "a" }.Start();
        Assert.Equal([true], returned);
        Assert.False(File.Exists(_tree.PathOf("b")));
        Assert.Equal("AB", _tree.Read("a"));
        Assert.Equal("I replaced regular file with different one: 'a'\n", _tree.TakeOutput());
    }

    // dlb: `a` is not in `modified_outputs`; the observable effect is that its consumers are not redone.
    [Fact]
    public void A_kept_output_does_not_redo_its_consumers_and_a_replaced_one_does()
    {
        _tree.Write("a", "AA");
        var consumer = new ATool { SourceFile = "a", ObjectFile = "a.o" };
        using (_tree.Enter())
            consumer.Start();

        _tree.Write("b", "AA");
        using (_tree.Enter())
            new ScriptedTool { Script = Replace("a", "b"), ObjectFile = "a" }.Start();
        using (_tree.Enter())
            Assert.False(consumer.Start());

        _tree.Write("b", "AA");
        using (_tree.Enter())
            new ScriptedTool { Script = Replace("a", "b"), ObjectFile = "a" }.Start(forceRedo: true);
        using (_tree.Enter())
            Assert.False(consumer.Start());

        _tree.Write("b", "BB");
        using (_tree.Enter())
            new ScriptedTool { Script = Replace("a", "b"), ObjectFile = "a" }.Start(forceRedo: true);
        using (_tree.Enter())
            Assert.Equal("redo necessary because of filesystem object: 'a' (reason: output dependency of a tool instance potentially changed by a redo)", consumer.Start().Reason?.ToString());
        Assert.Equal("BB", _tree.Read("a.o"));
    }

    [Fact]
    public void Only_an_explicit_output_can_be_replaced()
    {
        var e = Assert.Throws<RedoException>(() =>
        {
            using (_tree.Enter())
                new ScriptedTool { Script = Replace("a/b/", "c/"), ObjectFile = "a/b" }.Start();
        });
        Assert.Equal("path is not contained in any explicit output dependency: 'a/b/'", e.Message);
    }

    [Fact]
    public void A_non_directory_cannot_be_replaced_by_a_directory()
    {
        var e = Assert.Throws<RedoException>(() =>
        {
            using (_tree.Enter())
                new ScriptedTool { Script = Replace("a/b", "c/"), ObjectFile = "a/b" }.Start();
        });
        Assert.Equal("cannot replace non-directory 'a/b' by directory: 'c/'", e.Message);
    }

    [Fact]
    public void A_path_cannot_be_replaced_by_itself()
    {
        var e = Assert.Throws<RedoException>(() =>
        {
            using (_tree.Enter())
                new ScriptedTool { Script = Replace("a/b", "a/b"), ObjectFile = "a/b" }.Start();
        });
        Assert.Equal("cannot replace a path by itself: 'a/b'", e.Message);
    }

    // dlb checks the source with working_tree_path_of(), which fails for a missing one before anything is replaced.
    [Fact]
    public void A_missing_replacement_is_named_in_the_error()
    {
        _tree.Write("a", "AA");
        var e = Assert.Throws<RedoException>(() =>
        {
            using (_tree.Enter())
                new ScriptedTool { Script = Replace("a", "b"), ObjectFile = "a" }.Start();
        });
        Assert.Equal("replacement does not exist: 'b'", e.Message);
        Assert.Equal("AA", _tree.Read("a"));
    }

    [Fact]
    public void A_replacement_in_the_management_tree_outside_the_temporaries_is_rejected()
    {
        _tree.Write("a", "AA");
        _tree.Write(".kiln/z", "user's");
        var e = Assert.Throws<RedoException>(() =>
        {
            using (_tree.Enter())
                new ScriptedTool { Script = Replace("a", ".kiln/z"), ObjectFile = "a" }.Start();
        });
        Assert.Equal("source is not in the working tree: '.kiln/z'\n  | reason: path in non-permitted part of the working tree: '.kiln/z'", e.Message);
        Assert.Equal("user's", _tree.Read(".kiln/z"));
    }

    [Fact]
    public void A_directory_output_is_replaced_as_a_whole()
    {
        _tree.Write("src/a.cpp", "a");
        _tree.Write("d/old", "o");
        var script = DirectoryTool.Register((t, c) =>
        {
            using var temporary = c.Temporary(isDirectory: true);
            File.WriteAllText(Path.Combine(c.NativePathOf(temporary.Path), "new"), "n");
            c.ReplaceOutput(t.OutputDirectory, temporary.Path);
            return Task.FromResult(false);
        });
        using (_tree.Enter())
            new DirectoryTool { Script = script, OutputDirectory = "d/" }.Start();
        Assert.Equal(["new"], Directory.EnumerateFileSystemEntries(_tree.PathOf("d")).Select(Path.GetFileName));
        Assert.Equal("I replaced directory: 'd/'\n", _tree.TakeOutput());
    }

    // dlb: every stored input memo under a modified output path is forgotten, so the consumers of a file inside
    // a redone directory output are redone.
    [Fact]
    public void A_consumer_of_a_file_inside_a_redone_directory_output_is_redone()
    {
        _tree.Write("d/x", "1");
        var consumer = new ATool { SourceFile = "d/x", ObjectFile = "x.o" };
        using (_tree.Enter())
            consumer.Start();
        var script = DirectoryTool.Register((t, c) =>
        {
            using var temporary = c.Temporary(isDirectory: true);
            File.WriteAllText(Path.Combine(c.NativePathOf(temporary.Path), "x"), "2");
            c.ReplaceOutput(t.OutputDirectory, temporary.Path);
            return Task.FromResult(false);
        });
        using (_tree.Enter())
            new DirectoryTool { Script = script, OutputDirectory = "d/" }.Start();
        using (_tree.Enter())
        {
            Assert.Equal("redo necessary because of filesystem object: 'd/x' (reason: output dependency of a tool instance potentially changed by a redo)", consumer.Start().Reason?.ToString());
            Assert.False(consumer.Start());
        }
        Assert.Equal("2", _tree.Read("x.o"));
    }

    // A directory output whose path is a prefix of another path must not make that path's consumers redo.
    [Fact]
    public void A_redone_directory_output_leaves_consumers_of_a_sibling_with_a_longer_name_alone()
    {
        _tree.Write("dd/x", "1");
        _tree.Write("d.txt", "1");
        var consumers = new[] { new ATool { SourceFile = "dd/x", ObjectFile = "x.o" }, new ATool { SourceFile = "d.txt", ObjectFile = "t.o" } };
        using (_tree.Enter())
        {
            foreach (var consumer in consumers)
                consumer.Start();
        }
        var script = DirectoryTool.Register((t, c) =>
        {
            Directory.CreateDirectory(c.NativePathOf(t.OutputDirectory));
            return Task.FromResult(false);
        });
        using (_tree.Enter())
            new DirectoryTool { Script = script, OutputDirectory = "d/" }.Start();
        using (_tree.Enter())
            Assert.Equal([false, false], consumers.Select(c => c.Start().IsRedo));
    }

    // dlb: non-explicit output paths always count as modified by a redo.
    [Fact]
    public void A_consumer_of_a_non_explicit_output_is_redone_after_the_producer_redid()
    {
        _tree.Write("src/a.cpp", "a");
        _tree.Write("log.txt", "old");
        var consumer = new ATool { SourceFile = "log.txt", ObjectFile = "log.o" };
        using (_tree.Enter())
            consumer.Start();
        using (_tree.Enter())
            new LoggingTool { SourceFile = "src/a.cpp", ObjectFile = "a.o" }.Start();
        using (_tree.Enter())
            Assert.Equal("redo necessary because of filesystem object: 'log.txt' (reason: output dependency of a tool instance potentially changed by a redo)", consumer.Start().Reason?.ToString());
        Assert.Equal("log of src/a.cpp", _tree.Read("log.o"));
    }

    // dlb fact 5: with replace_by_same_content=False the cascade stops where an output did not change.
    [Fact]
    public void A_comment_only_edit_of_a_header_recompiles_but_does_not_relink()
    {
        _tree.Write("src/a.c", "#include \"a.h\"\nint a;");
        _tree.Write("src/b.c", "int b;");
        _tree.Write("src/a.h", "int h;");
        List<string> Build()
        {
            var redone = new List<string>();
            using (_tree.Enter())
            {
                var objects = new List<TreePath>();
                foreach (var source in new[] { "src/a.c", "src/b.c" })
                {
                    var run = new CompileTool { SourceFile = source, ObjectFile = "out/" + Path.GetFileNameWithoutExtension(source) + ".o" }.Start();
                    if (run)
                        redone.Add(source);
                    objects.Add(run.Complete().ObjectFile);
                }
                if (new LinkTool { ObjectFiles = objects, ApplicationFile = "out/app" }.Start())
                    redone.Add("link");
            }
            return redone;
        }

        Assert.Equal(["src/a.c", "src/b.c", "link"], Build());
        // a.h is a new dependency: dlb always redoes a.c once more; Kiln does only if a.h was modified when the
        // redo had started (at the same working-tree time), which depends on the file system's clock.
        Assert.DoesNotContain("link", Build());
        Assert.Empty(Build());
        File.AppendAllText(_tree.PathOf("src/a.h"), "\n// only a comment");
        Assert.Equal(["src/a.c"], Build());
        File.AppendAllText(_tree.PathOf("src/a.h"), "\nint i;");
        Assert.Equal(["src/a.c", "link"], Build());
        Assert.Contains("int i;", _tree.Read("out/app"));
    }
}
