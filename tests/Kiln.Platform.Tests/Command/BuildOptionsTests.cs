using Kiln.Platform.Command;

namespace Kiln.Platform.Tests.Command;

public sealed class BuildOptionsTests
{
    [Theory]
    [InlineData("-j 4")]
    [InlineData("-j4")]
    [InlineData("--jobs 4")]
    [InlineData("--jobs=4")]
    public void Every_spelling_of_jobs_as_make_and_ninja_take_it_gives_the_number(string arguments)
    {
        var options = BuildOptions.Parse([.. arguments.Split(' '), "build.cs", "-j", "9"], out var problem);

        Assert.Null(problem);
        Assert.Equal(4, options!.Jobs);
        Assert.Equal(["build.cs", "-j", "9"], options.Rest);
    }

    [Fact]
    public void Flags_before_the_script_are_options_and_everything_after_it_is_the_scripts()
    {
        var options = BuildOptions.Parse(["-k", "--explain", "-v", "release.cs", "--explain"], out _)!;

        Assert.Equal((true, true, true, (int?)null), (options.KeepGoing, options.Explain, options.Verbose, options.Jobs));
        Assert.Equal(["release.cs", "--explain"], options.Rest);
    }

    [Fact]
    public void Two_dashes_end_the_options_for_a_script_whose_name_starts_with_a_dash()
    {
        Assert.Equal(["-odd.cs"], BuildOptions.Parse(["--", "-odd.cs"], out _)!.Rest);
    }

    [Theory]
    [InlineData("-j", "error: option '-j' needs a positive number of parallel redos, not nothing")]
    [InlineData("-j 0", "error: option '-j' needs a positive number of parallel redos, not '0'")]
    [InlineData("-jx", "error: option '-j' needs a positive number of parallel redos, not 'x'")]
    [InlineData("--frob", "error: unknown option of 'kiln build': '--frob'")]
    public void A_bad_option_is_one_error_with_what_to_do(string arguments, string first)
    {
        Assert.Null(BuildOptions.Parse(arguments.Split(' '), out var problem));
        var lines = problem!.Split('\n');
        Assert.Equal(first, lines[0]);
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("  | ", lines[1], StringComparison.Ordinal);
    }
}
