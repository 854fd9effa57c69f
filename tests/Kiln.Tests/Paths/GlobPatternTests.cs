using Kiln.Paths;

namespace Kiln.Tests.Paths;

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("*.c", "a.c", true)]
    [InlineData("*.c", "a.h", false)]
    [InlineData("*.c", ".c", true)]
    [InlineData("*.c", "a.c.o", false)]
    [InlineData("l*a*.c", "lua.c", true)]
    [InlineData("l*a*.c", "lvm.c", false)]
    [InlineData("?.c", "a.c", true)]
    [InlineData("?.c", "ab.c", false)]
    [InlineData("[ab].c", "b.c", true)]
    [InlineData("[ab].c", "c.c", false)]
    [InlineData("[a-c]x", "bx", true)]
    [InlineData("[a-c]x", "dx", false)]
    [InlineData("[!a-c]x", "dx", true)]
    [InlineData("[^a-c]x", "ax", false)]
    [InlineData("[]]", "]", true)]
    [InlineData("[*]", "*", true)]
    [InlineData("[*]", "a", false)]
    [InlineData("a*b*c*d", "aXbYcZd", true)]
    [InlineData("a*b*c*d", "aXbYcZ", false)]
    public void A_component_pattern_matches_a_name_as_a_shell_glob_does(string component, string name, bool expected) =>
        Assert.Equal(expected, GlobPattern.MatchesName(component, name));

    [Theory]
    [InlineData("src/**/*.c", "src/a.c", true)]
    [InlineData("src/**/*.c", "src/x/y/b.c", true)]
    [InlineData("src/**/*.c", "lib/a.c", false)]
    [InlineData("src/**/*.c", "src/x/b.h", false)]
    [InlineData("src/**", "src/x/b.h", true)]
    [InlineData("**/*.c", "a.c", true)]
    [InlineData("**/*.c", "deep/er/a.c", true)]
    [InlineData("src/*/*.c", "src/a.c", false)]
    [InlineData("src/*/*.c", "src/x/a.c", true)]
    [InlineData("src/**/**/x/*.c", "src/x/a.c", true)]
    [InlineData("src/onelua.c", "src/onelua.c", true)]
    [InlineData("src/onelua.c", "src/lua.c", false)]
    [InlineData("./src//*.c", "src/a.c", true)]
    public void A_path_pattern_matches_whole_relative_paths(string pattern, string path, bool expected) =>
        Assert.Equal(expected, GlobPattern.Parse(pattern).Matches(path));

    [Fact]
    public void Many_stars_against_a_long_name_that_does_not_match_take_no_exponential_time()
    {
        var name = new string('a', 5000);
        Assert.False(GlobPattern.MatchesName("*a*a*a*a*a*a*a*a*b", name));
        Assert.False(GlobPattern.Parse(string.Join('/', Enumerable.Repeat("**", 30)) + "/b").Matches(string.Join('/', Enumerable.Repeat("a", 200))));
    }

    [Theory]
    [InlineData("", "it must name files")]
    [InlineData("src/", "it must name files")]
    [InlineData("src/a**/*.c", "'**' must be a whole component (as in 'src/**/*.c'), not part of 'a**'")]
    [InlineData("src/[ab.c", "'[' without its ']' in '[ab.c'")]
    public void An_invalid_pattern_is_one_error_line_that_says_why(string pattern, string why)
    {
        var e = Assert.Throws<ArgumentException>(() => GlobPattern.Parse(pattern));
        Assert.StartsWith($"invalid glob pattern {TreePath.Quote(pattern)}: {why}", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_directory_no_position_can_enter_is_not_worth_reading()
    {
        var glob = GlobPattern.Parse("src/*.c");
        var afterSrc = glob.Step(glob.Start(), "src");
        Assert.True(glob.MayDescend(afterSrc));
        var afterLib = glob.Step(glob.Start(), "lib");
        Assert.Empty(afterLib);
        var afterFile = glob.Step(afterSrc, "a.c");
        Assert.True(glob.IsMatch(afterFile));
        Assert.False(glob.MayDescend(afterFile));
    }
}
