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
    public void A_file_name_that_is_not_UTF8_is_an_error_showing_the_name_with_its_bytes_escaped()
    {
        using var dir = new TempDirectory();
        var dep = Path.Combine(dir.Path, "a.d");
        File.WriteAllBytes(dep, [.. "a.o: a.c \\\n b/h"u8, 0xff, .. ".h\n"u8]);
        var e = Assert.Throws<DepfileFormatException>(() => Depfile.Read(dep));
        Assert.Equal($"depfile '{dep}': line 2: file name is not valid UTF-8: 'b/h\\xff.h'; Kiln cannot track it as a dependency: rename the file", e.Message);
    }

    [Fact]
    public void Bytes_parse_as_the_read_file_does_and_a_name_that_is_not_UTF8_is_the_same_error_without_a_path()
    {
        Assert.Equal(["a.c", "b/h.h"], Depfile.Parse("a.o: a.c \\\n b/h.h\n"u8.ToArray()).Prerequisites);
        var e = Assert.Throws<DepfileFormatException>(() => Depfile.Parse([.. "a.o: a.c \\\n b/h"u8, 0xff, .. ".h\n"u8]));
        Assert.Equal("line 2: file name is not valid UTF-8: 'b/h\\xff.h'; Kiln cannot track it as a dependency: rename the file", e.Message);
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
    [Fact]
    public void A_target_followed_by_a_space_before_the_colon_is_one_target()
    {
        // dlb passes -MT '_ ': gcc writes the target verbatim, so a space precedes the colon.
        var d = Depfile.Parse("_ : a.c a.h\n");
        Assert.Equal(["_"], d.Rules[0].Targets);
        Assert.Equal(["a.c", "a.h"], d.Prerequisites);
    }

    [Fact]
    public void A_continuation_right_after_the_colon_and_between_targets_is_whitespace()
    {
        var d = Depfile.Parse("a.o \\\n a.d: \\\n a.c \\\n\ta.h\n");
        Assert.Equal(["a.o", "a.d"], d.Rules[0].Targets);
        Assert.Equal(["a.c", "a.h"], d.Prerequisites);
    }

    [Fact]
    public void Prerequisites_of_several_real_rules_are_joined_without_duplicates()
    {
        var d = Depfile.Parse("a.o: a.c common.h\nb.o: b.c common.h\n");
        Assert.Equal(2, d.Rules.Count);
        Assert.Equal(["a.c", "common.h", "b.c"], d.Prerequisites);
    }

    [Fact]
    public void Several_phony_rules_after_continuations_add_nothing()
    {
        var d = Depfile.Parse("_: a.c \\\n a.h \\\n b.h\n\na.h:\n\nb.h:\n");
        Assert.Equal(3, d.Rules.Count);
        Assert.Equal([false, true, true], d.Rules.Select(r => r.IsPhony));
        Assert.Equal(["a.c", "a.h", "b.h"], d.Prerequisites);
    }

    [Fact]
    public void An_escaped_space_at_the_end_of_a_name_is_kept()
    {
        var d = Depfile.Parse("a.o: a.c trailing\\  b.h\n");
        Assert.Equal(["a.c", "trailing ", "b.h"], d.Prerequisites);
    }

    [Fact]
    public void A_drive_letter_colon_is_not_a_rule_separator()
    {
        var d = Depfile.Parse("a.o: C:\\src\\a.c\n");
        Assert.Equal(["C:\\src\\a.c"], d.Prerequisites);
    }

    [Fact]
    public void Empty_and_blank_text_has_no_rules()
    {
        Assert.Empty(Depfile.Parse("").Rules);
        Assert.Empty(Depfile.Parse("\n  \n").Rules);
    }

    [Fact]
    public void A_rule_without_a_target_is_a_format_error()
    {
        var e = Assert.Throws<DepfileFormatException>(() => Depfile.Parse(": a.c\n"));
        Assert.Contains("no target", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_read_error_names_the_depfile()
    {
        using var dir = new TempDirectory();
        var path = dir.File("bad.d", "nonsense\n");
        var e = Assert.Throws<DepfileFormatException>(() => Depfile.Read(path));
        Assert.StartsWith($"depfile '{path}': line 1", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_depfile_written_by_clang_with_several_targets_and_phony_rules_parses()
    {
        var clang = CompilerDiscovery.FindExecutable("clang");
        if (clang is null)
            Assert.Skip("clang is not installed");
        using var dir = new TempDirectory();
        dir.File("a.h", "#define A 1\n");
        dir.File("a.c", "#include \"a.h\"\nint a = A;\n");
        var r = ToolProcess.Run(clang, ["-MMD", "-MP", "-MT", "a.o", "-MT", "x y.o", "-MF", "a.d", "-c", "a.c", "-o", "a.o"], dir.Path);
        Assert.Equal(0, r.ExitCode);
        var d = Depfile.Read(Path.Combine(dir.Path, "a.d"));
        Assert.Equal(["a.o", "x", "y.o"], d.Rules[0].Targets);
        Assert.Equal(["a.c", "a.h"], d.Prerequisites);
        Assert.Contains(d.Rules, rule => rule.IsPhony);
    }
}
