using System.Globalization;
using System.Text;

namespace Kiln.Diagnostics;

/// <summary>
/// The few string operations of Python 3 that dlb's message format is defined with: <c>str.splitlines()</c>,
/// <c>str.isspace()</c> (for <c>strip</c>), <c>len()</c> (code points) and <c>repr()</c> of one character.
/// Kept separate so that the formatting code reads like its specification and the edge cases (e.g. U+001C..U+001E
/// break lines, U+001F is white space) are the same as in dlb.
/// </summary>
internal static class PythonText
{
    /// <summary>Whether <paramref name="c"/> ends a line for <c>str.splitlines()</c>.</summary>
    public static bool IsLineBoundary(char c) =>
        c is '\n' or '\r' or '\v' or '\f' or '\x1c' or '\x1d' or '\x1e' or '\x85' or '\u2028' or '\u2029';

    /// <summary>
    /// The lines of <paramref name="text"/> without their line boundaries, as <c>str.splitlines()</c>:
    /// "\r\n" is one boundary, and a boundary at the end does not start another (empty) line.
    /// </summary>
    public static List<string> SplitLines(string text)
    {
        var lines = new List<string>();
        var start = 0;
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (!IsLineBoundary(c))
            {
                i++;
                continue;
            }

            lines.Add(text[start..i]);
            i += c == '\r' && i + 1 < text.Length && text[i + 1] == '\n' ? 2 : 1;
            start = i;
        }

        if (start < text.Length)
            lines.Add(text[start..]);
        return lines;
    }

    /// <summary>Whether <paramref name="c"/> is white space for <c>str.isspace()</c> (as far as one UTF-16 unit can tell).</summary>
    public static bool IsSpace(char c) => char.IsWhiteSpace(c) || c is >= '\x1c' and <= '\x1f';

    /// <summary><paramref name="s"/> without trailing white space (<c>str.rstrip()</c>); keeps '\b'.</summary>
    public static string TrimEnd(string s)
    {
        var end = s.Length;
        while (end > 0 && IsSpace(s[end - 1]))
            end--;
        return s[..end];
    }

    /// <summary><paramref name="s"/> without leading white space (<c>str.lstrip()</c>); keeps '\b'.</summary>
    public static string TrimStart(string s)
    {
        var start = 0;
        while (start < s.Length && IsSpace(s[start]))
            start++;
        return s[start..];
    }

    /// <summary>Number of code points, as Python's <c>len()</c> (a surrogate pair counts once).</summary>
    public static int CodePointCount(string s)
    {
        var n = 0;
        foreach (var _ in s.EnumerateRunes())
            n++;
        return n;
    }

    /// <summary><paramref name="s"/> padded with spaces on the right to <paramref name="width"/> code points (<c>str.ljust</c>).</summary>
    public static string PadRight(string s, int width) => s + new string(' ', Math.Max(0, width - CodePointCount(s)));

    /// <summary><paramref name="s"/> padded with spaces on the left to <paramref name="width"/> code points (<c>str.rjust</c>).</summary>
    public static string PadLeft(string s, int width) => new string(' ', Math.Max(0, width - CodePointCount(s))) + s;

    /// <summary>
    /// <c>repr()</c> of a one-character string as it appears in dlb's error messages:
    /// <c>'a'</c>, <c>"'"</c>, <c>'\x08'</c>, <c>'\t'</c>.
    /// </summary>
    public static string Repr(char c) => c switch
    {
        '\'' => "\"'\"",
        '\\' => @"'\\'",
        '\t' => @"'\t'",
        '\n' => @"'\n'",
        '\r' => @"'\r'",
        < ' ' or '\x7f' => string.Create(CultureInfo.InvariantCulture, $@"'\x{(int)c:x2}'"),
        _ => new StringBuilder(3).Append('\'').Append(c).Append('\'').ToString(),
    };
}
