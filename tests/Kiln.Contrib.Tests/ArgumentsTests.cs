namespace Kiln.Contrib.Tests;

public sealed class ArgumentsTests
{
    [Theory]
    [InlineData("src/a.c", "src/a.c")]
    [InlineData("./src/a.c", "src/a.c")]
    [InlineData("include/", "include")]
    [InlineData("./", ".")]
    [InlineData("/usr/include/", "/usr/include")]
    [InlineData("/", "/")]
    public void A_working_tree_path_becomes_a_root_relative_argument(string path, string argument)
    {
        Assert.Equal(argument, Arguments.Of(path));
    }
}
