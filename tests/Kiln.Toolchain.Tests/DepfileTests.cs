namespace Kiln.Toolchain.Tests;

public sealed class DepfileTests
{
    [Fact]
    public void A_single_rule_gives_its_target_and_prerequisites()
    {
        var d = Depfile.Parse("a.o: a.c a.h b.h\n");
        var rule = Assert.Single(d.Rules);
        Assert.Equal(["a.o"], rule.Targets);
        Assert.Equal(["a.c", "a.h", "b.h"], rule.Prerequisites);
    }

    [Fact]
    public void Backslash_newline_continues_a_rule()
    {
        var d = Depfile.Parse("a.o: a.c \\\n  /usr/x/a.h \\\n  b.h\n");
        Assert.Equal(["a.c", "/usr/x/a.h", "b.h"], d.Prerequisites);
    }

    [Fact]
    public void Escaped_spaces_stay_inside_a_name()
    {
        var d = Depfile.Parse("a.o: my\\ dir/a\\ b.h c.h\n");
        Assert.Equal(["my dir/a b.h", "c.h"], d.Prerequisites);
    }

    [Fact]
    public void Escaped_hash_and_doubled_dollar_are_unescaped()
    {
        var d = Depfile.Parse("a.o: x\\#1.h cost$$.h\n");
        Assert.Equal(["x#1.h", "cost$.h"], d.Prerequisites);
    }

    [Fact]
    public void Several_targets_share_one_rule()
    {
        var d = Depfile.Parse("a.o a.d: a.c\n");
        Assert.Equal(["a.o", "a.d"], d.Rules[0].Targets);
    }

    [Fact]
    public void Phony_header_rules_are_recognised_and_add_nothing()
    {
        var d = Depfile.Parse("a.o: a.c a.h\n\na.h:\n");
        Assert.Equal(2, d.Rules.Count);
        Assert.True(d.Rules[1].IsPhony);
        Assert.Equal(["a.c", "a.h"], d.Prerequisites);
    }

    [Fact]
    public void Windows_line_ends_are_accepted()
    {
        var d = Depfile.Parse("a.o: a.c \\\r\n b.h\r\n");
        Assert.Equal(["a.c", "b.h"], d.Prerequisites);
    }

    [Fact]
    public void A_line_without_a_colon_is_a_format_error_naming_the_line()
    {
        var e = Assert.Throws<DepfileFormatException>(() => Depfile.Parse("a.o: a.c\nnonsense here\n"));
        Assert.Contains("line 2", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_depfile_written_by_gcc_for_a_path_with_a_space_parses()
    {
        using var dir = new TempDirectory();
        var sub = Directory.CreateDirectory(Path.Combine(dir.Path, "with space")).FullName;
        File.WriteAllText(Path.Combine(sub, "h one.h"), "#define X 1\n");
        var src = dir.File("a.c", "#include \"with space/h one.h\"\nint x = X;\n");
        var dep = Path.Combine(dir.Path, "a.d");
        var r = ToolProcess.Run(CompilerDiscovery.FindExecutable("gcc")!, ["-MMD", "-MP", "-MF", dep, "-c", src, "-o", Path.Combine(dir.Path, "a.o")], dir.Path);
        Assert.Equal(0, r.ExitCode);
        var d = Depfile.Read(dep);
        Assert.Contains(d.Prerequisites, p => p.EndsWith("with space/h one.h", StringComparison.Ordinal));
        Assert.Contains(d.Rules, rule => rule.IsPhony);
    }
}
