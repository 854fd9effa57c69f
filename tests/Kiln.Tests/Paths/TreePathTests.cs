using Kiln.Paths;

namespace Kiln.Tests.Paths;

/// <summary>Working-tree paths, after dlb's <c>test/dlb/0/test_fs_path.py</c> (dlb-spec §5).</summary>
public sealed class TreePathTests
{
    [Theory]
    [InlineData("a/b", "a/b", false, false)]
    [InlineData("a/b/", "a/b/", true, false)]
    [InlineData("a//b/./c", "a/b/c", false, false)]
    [InlineData("./a", "a", false, false)]
    [InlineData(".", "./", true, false)]
    [InlineData("./", "./", true, false)]
    [InlineData("a/.", "a/", true, false)]
    [InlineData("a/..", "a/../", true, false)]
    [InlineData("..", "../", true, false)]
    [InlineData("/", "/", true, true)]
    [InlineData("/a/b", "/a/b", false, true)]
    [InlineData("//a/", "/a/", true, true)]
    public void Parsing_drops_empty_and_dot_components_and_keeps_directory_ness(string text, string canonical, bool isDirectory, bool isAbsolute)
    {
        var p = TreePath.Parse(text);

        Assert.Equal(canonical, p.AsString());
        Assert.Equal(isDirectory, p.IsDirectory);
        Assert.Equal(isAbsolute, p.IsAbsolute);
    }

    [Fact]
    public void Dot_dot_components_are_kept_because_a_prefix_may_be_a_symbolic_link()
    {
        var p = TreePath.Parse("a/../b");

        Assert.Equal(["a", "..", "b"], p.Parts);
        Assert.False(p.IsNormalized);
        Assert.True(TreePath.Parse("a/b").IsNormalized);
    }

    [Fact]
    public void An_explicit_directory_ness_overrides_the_string()
    {
        Assert.Equal("a/", TreePath.Parse("a", isDirectory: true).AsString());
        Assert.Equal("a", TreePath.Parse("a/", isDirectory: false).AsString());
    }

    [Fact]
    public void An_empty_path_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => TreePath.Parse(""));

        Assert.StartsWith("invalid path: '' (must not be empty)", e.Message);
    }

    [Fact]
    public void A_path_with_NUL_is_rejected()
    {
        var e = Assert.Throws<ArgumentException>(() => TreePath.Parse("a\0b"));

        Assert.StartsWith("invalid path: 'a\\x00b' (must not contain NUL)", e.Message);
    }

    [Theory]
    [InlineData("a/..")]
    [InlineData(".")]
    [InlineData("/")]
    public void A_dot_dot_or_root_path_cannot_be_a_non_directory(string text)
    {
        var e = Assert.Throws<ArgumentException>(() => TreePath.Parse(text, isDirectory: false));

        Assert.StartsWith($"cannot be the path of a non-directory: '{text}'", e.Message);
    }

    [Theory]
    [InlineData("-rf", "./-rf")]
    [InlineData("a/b/", "./a/b/")]
    [InlineData(".", "./")]
    [InlineData("../a", "../a")]
    [InlineData("..", "../")]
    [InlineData("/a/b", "/a/b")]
    public void Native_relative_paths_start_with_a_dot_so_they_are_never_options(string text, string native)
    {
        Assert.Equal(native, TreePath.Parse(text).Native);
    }

    [Fact]
    public void ToString_quotes_the_canonical_string()
    {
        Assert.Equal("'a/b/'", TreePath.Parse("a/b/").ToString());
        Assert.Equal("'it\\'s\\n'", TreePath.Quote("it's\n"));
        Assert.Equal("'a\\ud800 \U0001F600'", TreePath.Quote("a\ud800 \U0001F600"));
    }

    [Fact]
    public void A_long_text_is_quoted_shortened_to_its_start_and_end()
    {
        Assert.Equal("'abc'", TreePath.QuoteShortened("abc", 6));
        Assert.Equal("'abcdef'", TreePath.QuoteShortened("abcdef", 6));
        Assert.Equal("'abcd…fg'", TreePath.QuoteShortened("abcdefg", 6));
    }

    [Fact]
    public void Slash_appends_a_relative_path_to_a_directory_path()
    {
        var p = TreePath.Parse("a/") / TreePath.Parse("b/c");

        Assert.Equal("a/b/c", p.AsString());
        Assert.Equal("/x/y/", (TreePath.Parse("/x/") / "y/").AsString());
        Assert.Equal("a/b", TreePath.Root.Join("a/b").AsString());
    }

    [Fact]
    public void Slash_refuses_a_non_directory_left_side()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TreePath.Parse("a") / TreePath.Parse("b"));

        Assert.Equal("cannot append to a non-directory path: 'a'", e.Message);
    }

    [Fact]
    public void Slash_refuses_an_absolute_right_side()
    {
        var e = Assert.Throws<InvalidOperationException>(() => TreePath.Parse("a/") / TreePath.Parse("/b"));

        Assert.Equal("cannot append an absolute path: '/b'", e.Message);
    }

    [Fact]
    public void Parent_is_a_directory_path_and_the_root_is_its_own_parent()
    {
        Assert.Equal(TreePath.Parse("a/"), TreePath.Parse("a/b").Parent);
        Assert.Equal(TreePath.Root, TreePath.Parse("a").Parent);
        Assert.Equal(TreePath.Root, TreePath.Root.Parent);
        Assert.Equal("", TreePath.Root.Name);
        Assert.Equal("b", TreePath.Parse("a/b/").Name);
    }

    [Fact]
    public void WithIsDirectory_switches_directory_ness_but_not_of_a_root_or_dot_dot()
    {
        Assert.Equal("a/", TreePath.Parse("a").WithIsDirectory(true).AsString());
        Assert.Equal("a", TreePath.Parse("a/").WithIsDirectory(false).AsString());
        Assert.Throws<ArgumentException>(() => TreePath.Root.WithIsDirectory(false));
        Assert.Throws<ArgumentException>(() => TreePath.Parse("a/..").WithIsDirectory(false));
    }

    [Fact]
    public void WithAppendedSuffix_extends_the_last_component()
    {
        Assert.Equal("src/a.c.o", TreePath.Parse("src/a.c").WithAppendedSuffix(".o").AsString());
        Assert.Equal("d.tmp/", TreePath.Parse("d/").WithAppendedSuffix(".tmp").AsString());
        Assert.Throws<ArgumentException>(() => TreePath.Parse("a").WithAppendedSuffix("/b"));
        Assert.Throws<ArgumentException>(() => TreePath.Root.WithAppendedSuffix(".o"));
    }

    [Theory]
    [InlineData("a/b/c", "a/b/", true)]
    [InlineData("a/b/", "a/b/", true)]
    [InlineData("a/b", "a/b", true)]
    [InlineData("a/b", "./", true)]
    [InlineData("a/bc", "a/b/", false)]
    [InlineData("a/b", "a/b/", false)]
    [InlineData("a/b/", "a/b", false)]
    [InlineData("a", "a/b/", false)]
    [InlineData("/a/b", "a/", false)]
    [InlineData("a/b", "/a/", false)]
    [InlineData("/a/b", "/", true)]
    public void StartsWith_compares_whole_components(string path, string prefix, bool expected)
    {
        Assert.Equal(expected, TreePath.Parse(path).StartsWith(TreePath.Parse(prefix)));
    }

    [Fact]
    public void RelativeTo_removes_a_directory_prefix()
    {
        Assert.Equal("c/d", TreePath.Parse("/a/b/c/d").RelativeTo(TreePath.Parse("/a/b/")).AsString());
        Assert.Equal("c/", TreePath.Parse("a/c/").RelativeTo(TreePath.Parse("a/")).AsString());
        Assert.Equal(TreePath.Root, TreePath.Parse("a/b/").RelativeTo(TreePath.Parse("a/b/")));
        Assert.False(TreePath.Parse("/a/b/c").RelativeTo(TreePath.Parse("/a/")).IsAbsolute);
    }

    [Fact]
    public void RelativeTo_refuses_a_path_outside_the_prefix_or_a_non_directory_prefix()
    {
        var e = Assert.Throws<ArgumentException>(() => TreePath.Parse("a/bc").RelativeTo(TreePath.Parse("a/b/")));

        Assert.Equal("'a/bc' does not start with 'a/b/'", e.Message);
        Assert.Throws<ArgumentException>(() => TreePath.Parse("a/b").RelativeTo(TreePath.Parse("a")));
    }

    [Fact]
    public void Equality_is_by_components_and_directory_ness()
    {
        Assert.Equal(TreePath.Parse("a//b"), TreePath.Parse("./a/b"));
        Assert.True(TreePath.Parse("a/b") == "a/./b");
        Assert.True(TreePath.Parse("a/b") != "a/b/");
        Assert.NotEqual(TreePath.Parse("a/b"), TreePath.Parse("/a/b"));
        Assert.NotEqual(TreePath.Parse("a/b"), TreePath.Parse("a/B"));
        Assert.Equal(TreePath.Parse("a//b").GetHashCode(), TreePath.Parse("./a/b").GetHashCode());
        Assert.True((TreePath?)null == null);
        Assert.False(TreePath.Parse("a").Equals(null));
    }

    [Fact]
    public void Ordering_puts_relative_before_absolute_then_compares_components_then_non_directory_before_directory()
    {
        string[] texts = ["/a", "b", "a/b/", "a/b", "a", "a/", "./", "B", "a/c", "/"];

        var sorted = texts.Select(t => TreePath.Parse(t)).Order().Select(p => p.AsString());

        Assert.Equal(["./", "B", "a", "a/", "a/b", "a/b/", "a/c", "b", "/", "/a"], sorted);
    }

    [Fact]
    public void Comparison_operators_follow_CompareTo()
    {
        TreePath a = "a";
        TreePath b = "b";

        Assert.True(a < b);
        Assert.True(a <= b);
        Assert.True(b > a);
        Assert.True(b >= a);
        Assert.True(a <= "a");
        Assert.True(a >= "a");
        Assert.False(a < "a");
        Assert.Equal(1, a.CompareTo(null));
    }
}
