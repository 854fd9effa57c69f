using Kiln.Paths;
using Kiln.Tests.Fakes;
using Kiln.WorkingTree;

namespace Kiln.Tests.WorkingTree;

/// <summary>Paths of build scripts as managed-tree paths, after dlb's <c>working_tree_path_of</c> (dlb-spec §8.3).</summary>
public sealed class ManagedPathsTests
{
    private const string Root = "/w/";
    private readonly InMemoryFileSystem _fs = new();

    public ManagedPathsTests()
    {
        _fs.AddDirectory("/w/.kiln/t/");
        _fs.AddDirectory("/w/a/b/");
        _fs.AddDirectory("/w/c/");
        _fs.AddSymlink("/w/l", "a/b");
    }

    private TreePath? Managed(string path, bool allowTemporary = false, string root = Root) =>
        ManagedPaths.ToManaged(TreePath.Parse(path), root, _fs, allowTemporary);

    private WorkingTreePathException Refused(string path, bool allowTemporary = false, string root = Root) =>
        Assert.Throws<WorkingTreePathException>(() => Managed(path, allowTemporary, root));

    [Theory]
    [InlineData("a/b", "a/b")]
    [InlineData("a/b/", "a/b/")]
    [InlineData("./x", "x")]
    [InlineData("/w/a/b", "a/b")]
    [InlineData("/w/a/", "a/")]
    [InlineData("/w/", "./")]
    [InlineData(".", "./")]
    public void A_path_in_the_working_tree_becomes_relative_to_its_root(string path, string managed)
    {
        Assert.Equal(managed, Managed(path)?.AsString());
    }

    [Theory]
    [InlineData("/x/a")]
    [InlineData("/wx/a")]
    [InlineData("/")]
    public void An_absolute_path_outside_the_working_tree_is_null(string path)
    {
        Assert.Null(Managed(path));
    }

    [Theory]
    [InlineData("a/../c", "c")]
    [InlineData("a/b/../../c/", "c/")]
    [InlineData("a/..", "./")]
    [InlineData("/w/a/../c", "c")]
    [InlineData("x/../y", "y")]
    public void Dot_dot_after_a_non_link_is_collapsed(string path, string managed)
    {
        Assert.Equal(managed, Managed(path)?.AsString());
    }

    [Fact]
    public void An_upwards_path_is_refused()
    {
        Assert.Equal("is an upwards path: '../a.o'", Refused("../a.o").Message);
        Assert.Equal("is an upwards path: 'a/../../b'", Refused("a/../../b").Message);
    }

    [Fact]
    public void Dot_dot_after_a_symbolic_link_is_refused()
    {
        Assert.Equal("not a collapsable path, since this is a symbolic link: 'l'", Refused("l/../c").Message);
        Assert.Equal("not a collapsable path, since this is a symbolic link: 'a/l'", MakeNestedLinkAndRefuse());
    }

    private string MakeNestedLinkAndRefuse()
    {
        _fs.AddSymlink("/w/a/l", "b");
        return Refused("a/l/x/../../c").Message;
    }

    [Fact]
    public void A_component_of_more_than_255_bytes_is_refused_with_its_length()
    {
        Assert.Equal(255, Managed("a/" + new string('x', 255))?.Parts[1].Length);
        Assert.Equal($"component '{new string('\u00e9', 40)}…{new string('\u00e9', 20)}' has 256 bytes; a file name has at most 255 (NAME_MAX): shorten it",
            Refused("a/" + new string('\u00e9', 128)).Message);
    }

    [Fact]
    public void A_component_with_a_lone_surrogate_is_refused()
    {
        Assert.Equal("component 'a\\ud800' is not valid Unicode (a lone surrogate): no file name can hold it", Refused("a/a\ud800").Message);
    }

    [Fact]
    public void A_path_of_more_than_4095_bytes_as_an_absolute_path_is_refused_with_its_length()
    {
        var fits = string.Concat(Enumerable.Repeat(new string('d', 99) + "/", 40)) + new string('f', 4095 - Root.Length - 4000);
        Assert.NotNull(Managed(fits));
        Assert.Equal("has 4096 bytes as an absolute path; a path has at most 4095 (PATH_MAX): shorten it", Refused(fits + "f").Message);
    }

    [Fact]
    public void A_root_without_trailing_slash_is_the_same_root()
    {
        Assert.Equal("a/b", Managed("/w/a/b", root: "/w")?.AsString());
        Assert.Equal("c", Managed("a/../c", root: "/w")?.AsString());
        Assert.Equal("not a collapsable path, since this is a symbolic link: 'l'", Refused("l/../c", root: "/w").Message);
    }

    [Theory]
    [InlineData(".kiln/x")]
    [InlineData(".kiln/")]
    [InlineData(".kiln")]
    [InlineData(".kiln/t/")]
    [InlineData("a/../.kiln/o")]
    [InlineData("/w/.kiln/o")]
    public void A_path_into_the_management_tree_is_refused(string path)
    {
        Assert.Equal($"path in non-permitted part of the working tree: {TreePath.Parse(path)}", Refused(path, allowTemporary: true).Message);
    }

    [Fact]
    public void A_temporary_is_accepted_only_when_allowed()
    {
        Assert.Equal(".kiln/t/a", Managed(".kiln/t/a", allowTemporary: true)?.AsString());
        Assert.Equal(".kiln/t/a/", Managed("/w/.kiln/t/a/", allowTemporary: true)?.AsString());
        Refused(".kiln/t/a");
    }

    [Fact]
    public void Native_puts_the_root_before_a_relative_path()
    {
        Assert.Equal("/w/a/b", ManagedPaths.Native(TreePath.Parse("a/b"), Root));
        Assert.Equal("/w/a/", ManagedPaths.Native(TreePath.Parse("a/"), Root));
        Assert.Equal("/w/", ManagedPaths.Native(TreePath.Root, Root));
        Assert.Equal("/x/a", ManagedPaths.Native(TreePath.Parse("/x/a"), Root));
    }

    [Fact]
    public void Native_accepts_a_root_without_trailing_slash()
    {
        Assert.Equal("/w/a/b", ManagedPaths.Native(TreePath.Parse("a/b"), "/w"));
    }
}
