using System.Text;
using Kiln.Platform.Text;

namespace Kiln.Platform.Tests;

public sealed class KeyValueLinesTests
{
    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("two\nlines", "two\\nlines")]
    [InlineData("back\\slash", "back\\\\slash")]
    [InlineData("\\n is not a newline", "\\\\n is not a newline")]
    [InlineData("tab\tand spaces stay", "tab\tand spaces stay")]
    public void Escaping_keeps_a_value_on_one_line_and_changes_nothing_else(string value, string escaped) =>
        Assert.Equal(escaped, KeyValueLines.Escape(value));

    [Theory]
    [InlineData("")]
    [InlineData("a\\b\nc\\\\n\n\nend\\")]
    [InlineData("signature with spaces\nand ✓ unicode")]
    public void A_line_reads_back_as_its_name_and_value(string value)
    {
        var line = KeyValueLines.Append(new StringBuilder(), "field", value).ToString();

        Assert.EndsWith("\n", line, StringComparison.Ordinal);
        Assert.Single(line.TrimEnd('\n').Split('\n'));
        Assert.Equal(("field", value), KeyValueLines.Split(line.TrimEnd('\n')));
    }

    [Fact]
    public void A_line_without_a_space_has_an_empty_value_and_a_lone_trailing_backslash_stays()
    {
        Assert.Equal(("flag", ""), KeyValueLines.Split("flag"));
        Assert.Equal("x\\", KeyValueLines.Unescape("x\\"));
    }
}
