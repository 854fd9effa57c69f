using Kiln.Paths;

namespace Kiln.Tests.Paths;

/// <summary>Path restrictions, as dlb's restricting path classes (dlb-spec §5).</summary>
public sealed class PathKindsTests
{
    private static string? Violation(string path, PathKind kind) => PathKinds.Violation(TreePath.Parse(path), kind);

    [Fact]
    public void Any_accepts_everything()
    {
        Assert.Null(Violation("/a b/../C:?", PathKind.Any));
    }

    [Fact]
    public void Relative_refuses_an_absolute_path()
    {
        Assert.Equal("must be relative", Violation("/a", PathKind.Relative));
        Assert.Null(Violation("a", PathKind.Relative));
    }

    [Fact]
    public void Absolute_refuses_a_relative_path()
    {
        Assert.Equal("must be absolute", Violation("a", PathKind.Absolute));
        Assert.Null(Violation("/a", PathKind.Absolute));
    }

    [Fact]
    public void Normalized_refuses_dot_dot()
    {
        Assert.Equal("must be normalized (no '..' component)", Violation("a/../b", PathKind.Normalized));
        Assert.Null(Violation("a/./b", PathKind.Normalized));
    }

    [Fact]
    public void NoSpace_refuses_a_space()
    {
        Assert.Equal("must not contain space", Violation("a b", PathKind.NoSpace));
        Assert.Null(Violation("a_b", PathKind.NoSpace));
    }

    [Theory]
    [InlineData("abcdefghijklmn")]
    [InlineData("A-Z/a.b_c/09")]
    [InlineData("../x")]
    public void PortablePosix_accepts_components_of_up_to_14_portable_characters(string path)
    {
        Assert.Null(Violation(path, PathKind.PortablePosix));
    }

    [Fact]
    public void PortablePosix_refuses_a_component_of_15_characters()
    {
        Assert.Equal(
            "component 'abcdefghijklmno' is not a portable POSIX file name (1 to 14 characters from [A-Za-z0-9._-])",
            Violation("a/abcdefghijklmno", PathKind.PortablePosix));
    }

    [Theory]
    [InlineData("a b")]
    [InlineData("ä")]
    [InlineData("a:b")]
    public void PortablePosix_refuses_other_characters(string path)
    {
        Assert.Contains("is not a portable POSIX file name", Violation(path, PathKind.PortablePosix), StringComparison.Ordinal);
    }

    [Fact]
    public void PortablePosix_refuses_a_component_starting_with_a_hyphen()
    {
        Assert.Equal("component '-rf' must not start with '-'", Violation("a/-rf", PathKind.PortablePosix));
    }

    [Fact]
    public void PortablePosix_refuses_a_path_longer_than_255_characters()
    {
        var path = string.Join('/', Enumerable.Repeat("abcdefghijklm", 19)) + "/abcdefghijk";
        Assert.Equal(19 * 14 + 11, path.Length);

        Assert.Equal("path too long (more than 255 characters)", Violation(path, PathKind.PortablePosix));
        Assert.Null(Violation(path[..255], PathKind.PortablePosix));
    }

    [Theory]
    [InlineData("a\\b")]
    [InlineData("a\"b")]
    [InlineData("a|b")]
    [InlineData("a?b")]
    [InlineData("a*b")]
    [InlineData("a<b")]
    [InlineData("a>b")]
    [InlineData("a:b")]
    public void PortableWindows_refuses_reserved_characters(string name)
    {
        Assert.Equal($"component {TreePath.Quote(name)} contains a character reserved on MS Windows", Violation("d/" + name, PathKind.PortableWindows));
    }

    [Fact]
    public void PortableWindows_refuses_control_characters()
    {
        Assert.Equal("component 'a\\tb' contains a control character", Violation("a\tb", PathKind.PortableWindows));
    }

    [Theory]
    [InlineData("CON")]
    [InlineData("prn")]
    [InlineData("Aux")]
    [InlineData("NUL")]
    [InlineData("COM1")]
    [InlineData("com9")]
    [InlineData("LPT1")]
    [InlineData("lpt9")]
    [InlineData("con.txt")]
    public void PortableWindows_refuses_a_reserved_device_name_as_last_component(string name)
    {
        Assert.Equal($"component '{name}' is a reserved name on MS Windows", Violation("d/" + name, PathKind.PortableWindows));
    }

    [Theory]
    [InlineData("COM10")]
    [InlineData("CONSOLE")]
    [InlineData("LPT")]
    [InlineData("CON/x")]
    public void PortableWindows_accepts_names_that_are_not_reserved_as_last_component(string path)
    {
        Assert.Null(Violation(path, PathKind.PortableWindows));
    }

    [Theory]
    [InlineData("a /b")]
    [InlineData("a./b")]
    public void PortableWindows_refuses_a_component_ending_in_space_or_dot(string path)
    {
        Assert.EndsWith("must not end with space or '.'", Violation(path, PathKind.PortableWindows), StringComparison.Ordinal);
        Assert.Null(Violation("../a", PathKind.PortableWindows));
    }

    [Fact]
    public void PortableWindows_refuses_a_component_of_more_than_255_characters_and_a_path_of_more_than_259()
    {
        var longName = new string('a', 256);
        var longPath = new string('a', 200) + "/" + new string('b', 59);

        Assert.Equal($"component '{longName}' is longer than 255 characters", Violation(longName, PathKind.PortableWindows));
        Assert.Null(Violation(longName[..255], PathKind.PortableWindows));
        Assert.Equal("path too long (more than 259 characters)", Violation(longPath, PathKind.PortableWindows));
        Assert.Null(Violation(longPath[..259], PathKind.PortableWindows));
    }

    [Fact]
    public void Portable_combines_posix_windows_and_relative()
    {
        Assert.Equal("must be relative", Violation("/a", PathKind.Portable));
        Assert.Contains("not a portable POSIX file name", Violation("abcdefghijklmno", PathKind.Portable), StringComparison.Ordinal);
        Assert.Equal("component 'con' is a reserved name on MS Windows", Violation("con", PathKind.Portable));
        Assert.Null(Violation("src/main.c", PathKind.Portable));
    }

    [Fact]
    public void Check_throws_with_the_kind_path_and_violation_in_one_line()
    {
        var e = Assert.Throws<ArgumentException>(() => PathKinds.Check(TreePath.Parse("a b"), PathKind.NoSpace));

        Assert.Equal("invalid path for kind NoSpace: 'a b' (must not contain space)", e.Message);
        Assert.Equal(TreePath.Parse("ab"), PathKinds.Check(TreePath.Parse("ab"), PathKind.NoSpace));
    }
}
