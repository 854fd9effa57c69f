using Kiln.Paths;
using Kiln.WorkingTree;

namespace Kiln.Scenarios.Tests;

/// <summary><see cref="Sources"/> on real temporary trees: what a glob finds, leaves out, and refuses.</summary>
public sealed class SourcesScenarioTests : IDisposable
{
    private readonly WorkingTreeFixture _tree = new();

    public void Dispose() => _tree.Dispose();

    private void WriteLuaLikeTree()
    {
        foreach (var f in new[] { "src/lvm.c", "src/lapi.c", "src/lua.c", "src/onelua.c", "src/lvm.h", "src/testes/libs/lib1.c", "src/a-b.c", "src/a/z.c", "README" })
            _tree.Write(f, "// " + f + "\n");
    }

    private static string[] Strings(IEnumerable<TreePath> paths) => [.. paths.Select(p => p.AsString())];

    [Fact]
    public void A_glob_finds_the_matching_files_below_its_directory_sorted_ordinally()
    {
        WriteLuaLikeTree();
        using (_tree.Enter())
        {
            Assert.Equal(["src/a-b.c", "src/a/z.c", "src/lapi.c", "src/lua.c", "src/lvm.c", "src/onelua.c", "src/testes/libs/lib1.c"], Strings(Sources.Glob("src/**/*.c")));
            Assert.Equal(["src/a-b.c", "src/lapi.c", "src/lua.c", "src/lvm.c", "src/onelua.c"], Strings(Sources.Glob("src/*.c")));
            Assert.Equal(["src/lvm.c", "src/lvm.h"], Strings(Sources.Glob("src/lvm.?")));
        }
    }

    [Fact]
    public void Excluded_patterns_leave_out_files_and_whole_directories()
    {
        WriteLuaLikeTree();
        using (_tree.Enter())
        {
            var found = Sources.Glob("src/**/*.c", exclude: ["src/onelua.c", "src/lua.c", "src/testes/**"]);
            Assert.Equal(["src/a-b.c", "src/a/z.c", "src/lapi.c", "src/lvm.c"], Strings(found));
        }
    }

    [Fact]
    public void A_glob_from_the_root_never_enters_the_management_tree_and_an_absolute_pattern_inside_the_tree_works()
    {
        WriteLuaLikeTree();
        _tree.Write(".kiln/stale.c", "");
        using (_tree.Enter())
        {
            Assert.Equal(7, Sources.Glob("**/*.c").Count);
            Assert.DoesNotContain(Sources.Glob("**"), p => p.AsString().StartsWith(".kiln", StringComparison.Ordinal));
            Assert.Equal(["src/lvm.c"], Strings(Sources.Glob(_tree.Root + "/src/lvm.c")));
        }
    }

    [Fact]
    public void A_glob_whose_directory_is_missing_finds_nothing_and_a_listing_of_a_missing_directory_says_so()
    {
        using (_tree.Enter())
        {
            Assert.Empty(Sources.Glob("nowhere/**/*.c"));
            var e = Assert.Throws<DirectoryNotFoundException>(() => Sources.List("nowhere/"));
            Assert.StartsWith("cannot list 'nowhere/': not an existing directory\n", e.Message);
        }
    }

    [Fact]
    public void A_pattern_outside_the_working_tree_is_one_error_line_naming_it()
    {
        using (_tree.Enter())
        {
            var e = Assert.Throws<WorkingTreePathException>(() => Sources.Glob("/usr/include/*.h"));
            Assert.Equal($"cannot list '/usr/include/': it is outside the working tree {_tree.QuotedRoot}\n  | name a path inside the working tree (relative to its root)", e.Message);
            Assert.Throws<WorkingTreePathException>(() => Sources.Glob("../*.c"));
            Assert.Throws<WorkingTreePathException>(() => Sources.Glob(".kiln/*"));
        }
    }

    [Fact]
    public void A_listing_names_files_and_directories_of_one_directory_only()
    {
        WriteLuaLikeTree();
        File.CreateSymbolicLink(_tree.PathOf("src/link"), _tree.PathOf("src/a"));
        using (_tree.Enter())
        {
            Assert.Equal(["src/a-b.c", "src/a/", "src/lapi.c", "src/link", "src/lua.c", "src/lvm.c", "src/lvm.h", "src/onelua.c", "src/testes/"], Strings(Sources.List("src")));
            Assert.Equal(["README", "src/"], Strings(Sources.List(TreePath.Root)));
        }
    }

    [Fact]
    public void A_symbolic_link_to_a_directory_is_never_walked_so_a_cycle_cannot_loop()
    {
        _tree.Write("src/a.c", "");
        File.CreateSymbolicLink(_tree.PathOf("src/loop"), _tree.PathOf("src"));
        using (_tree.Enter())
            Assert.Equal(["src/a.c"], Strings(Sources.Glob("src/**/*.c")));
    }

    [Fact]
    public void A_file_read_by_the_configuration_is_its_text_and_a_missing_one_is_named()
    {
        _tree.Write("VERSION", "5.4.7\n");
        using (_tree.Enter())
        {
            Assert.Equal("5.4.7\n", Sources.ReadAllText("VERSION"));
            var e = Assert.Throws<FileNotFoundException>(() => Sources.ReadAllText("NOTES"));
            Assert.StartsWith("cannot read 'NOTES': no such file\n", e.Message);
        }
    }
}
