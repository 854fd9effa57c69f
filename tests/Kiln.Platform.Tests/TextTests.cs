using Kiln.Platform.Text;

namespace Kiln.Platform.Tests;

public sealed class ShellQuotingTests
{
    [Theory]
    [InlineData("gcc", "gcc")]
    [InlineData("-O2", "-O2")]
    [InlineData("a/b.c", "a/b.c")]
    [InlineData("-DX=1,y@z%", "-DX=1,y@z%")]
    [InlineData("", "''")]
    [InlineData("two words", "'two words'")]
    [InlineData("it's", "'it'\\''s'")]
    [InlineData("$HOME", "'$HOME'")]
    [InlineData("a*b", "'a*b'")]
    public void A_word_is_quoted_only_when_a_shell_would_change_it(string word, string quoted) =>
        Assert.Equal(quoted, ShellQuoting.Word(word));

    [Fact]
    public void A_quoted_command_line_gives_the_same_words_back_in_sh()
    {
        string[] words = ["printf", "%s|", "a b", "it's", "", "$x", "\"q\""];

        var (exitCode, output) = ExternalCommand.Run("/bin/sh", "-c", ShellQuoting.Join(words));

        Assert.Equal(0, exitCode);
        Assert.Equal("a b|it's||$x|\"q\"|", output);
    }
}

public sealed class LinesTests
{
    [Theory]
    [InlineData("one", "one")]
    [InlineData("one\ntwo", "one")]
    [InlineData("\ntwo", "")]
    [InlineData("", "")]
    public void FirstLine_is_the_text_up_to_the_first_newline(string text, string first) =>
        Assert.Equal(first, Lines.FirstLine(text));

    [Theory]
    [InlineData("a\nb\nc\n\n", 2, "b\nc")]
    [InlineData("a\nb", 5, "a\nb")]
    [InlineData("a\nb\nc", 1, "c")]
    [InlineData("", 3, "")]
    public void Tail_is_the_last_lines_without_trailing_white_space(string text, int count, string tail) =>
        Assert.Equal(tail, Lines.Tail(text, count));
}
