using Kiln.Diagnostics;

namespace Kiln.Tests.Diagnostics;

/// <summary>The Python string semantics dlb's message format is defined with.</summary>
public sealed class PythonTextTests
{
    [Theory]
    [InlineData("", new string[0])]
    [InlineData("a", new[] { "a" })]
    [InlineData("a\n", new[] { "a" })]
    [InlineData("a\n\n", new[] { "a", "" })]
    [InlineData("\na", new[] { "", "a" })]
    [InlineData("a\r\nb\rc\nd", new[] { "a", "b", "c", "d" })]
    [InlineData("a\n\rb", new[] { "a", "", "b" })]
    [InlineData("a\vb\fc\u001cd\u001de\u001ef\u0085g\u2028h\u2029i", new[] { "a", "b", "c", "d", "e", "f", "g", "h", "i" })]
    [InlineData("a\u001fb\tc\bd", new[] { "a\u001fb\tc\bd" })]
    public void Lines_are_split_as_by_python_splitlines(string text, string[] expected)
    {
        Assert.Equal(expected, PythonText.SplitLines(text));
    }

    [Fact]
    public void Stripping_removes_python_white_space_but_keeps_backspace()
    {
        Assert.Equal("a\b", PythonText.TrimEnd("a\b \t\u001f\u00a0"));
        Assert.Equal("\ba", PythonText.TrimStart(" \t\u001f\ba"));
        Assert.Equal("", PythonText.TrimEnd(" \t "));
    }

    [Fact]
    public void Length_counts_code_points()
    {
        Assert.Equal(1, PythonText.CodePointCount("\U0001f609"));
        Assert.Equal(3, PythonText.CodePointCount("äüä"));
        Assert.Equal("\U0001f609  ", PythonText.PadRight("\U0001f609", 3));
        Assert.Equal("  \U0001f609", PythonText.PadLeft("\U0001f609", 3));
        Assert.Equal("abc", PythonText.PadLeft("abc", 2));
    }

    [Theory]
    [InlineData('a', "'a'")]
    [InlineData('\'', "\"'\"")]
    [InlineData('\b', @"'\x08'")]
    [InlineData('\0', @"'\x00'")]
    [InlineData('\t', @"'\t'")]
    [InlineData('\\', @"'\\'")]
    public void A_character_is_represented_as_by_python_repr(char c, string expected)
    {
        Assert.Equal(expected, PythonText.Repr(c));
    }
}
