using Kiln.Toolchain;

namespace Kiln.Contrib.Tests;

public sealed class DepfileInputsTests
{
    private const string Root = "/w/tree/";

    private static string[] From(string depfile, string source = "src/a.c") =>
        [.. DepfileInputs.From(Depfile.Parse(depfile), source, Root).Select(p => p.AsString())];

    [Fact]
    public void The_source_itself_is_not_an_included_file()
    {
        Assert.Equal(["src/a.h"], From("_: src/a.c src/a.h\n"));
        Assert.Equal(["src/a.h"], From("_: ./src/a.c src/a.h\n"));
    }

    [Fact]
    public void Paths_outside_the_working_tree_are_left_out()
    {
        Assert.Equal(["inc/b.h"], From("_: src/a.c /usr/include/stdio.h ../other/x.h /w/tree/inc/b.h /w/treehouse/c.h\n"));
    }

    [Fact]
    public void Paths_into_the_management_tree_are_left_out()
    {
        Assert.Empty(From("_: src/a.c .kiln/t/a.h\n"));
    }

    [Fact]
    public void Each_header_appears_once_with_dot_dot_resolved()
    {
        Assert.Equal(["inc/a.h", "src/b.h"], From("_: src/a.c src/../inc/a.h inc/a.h src/b.h \\\n inc/a.h\n"));
    }

    [Fact]
    public void Headers_of_several_rules_and_phony_rules_are_read_once()
    {
        Assert.Equal(["a.h", "b.h"], From("_: src/a.c a.h \\\n b.h\n\na.h:\n\nb.h:\n"));
    }
}
