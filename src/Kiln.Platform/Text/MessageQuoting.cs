using System.Globalization;
using System.Text;

namespace Kiln.Platform.Text;

/// <summary>How every Kiln message quotes a name: <c>'a/b'</c>, with what would break the line escaped.</summary>
internal static class MessageQuoting
{
    /// <summary>Quotes a string for a one-line message: <c>' \ \n \r \t</c> and other control characters escaped, a lone surrogate as <c>\uXXXX</c>.</summary>
    public static string Quote(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var sb = new StringBuilder(text.Length + 2).Append('\'');
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (char.IsSurrogate(ch) && !(char.IsSurrogatePair(text, i) || (i > 0 && char.IsSurrogatePair(text, i - 1))))
            {
                // A lone surrogate would print as '?' or U+FFFD, hiding what the text holds.
                sb.Append(CultureInfo.InvariantCulture, $"\\u{(int)ch:x4}");
                continue;
            }
            switch (ch)
            {
                case '\'': sb.Append("\\'"); break;
                case '\\': sb.Append("\\\\"); break;
                case '\n': sb.Append("\\n"); break;
                case '\r': sb.Append("\\r"); break;
                case '\t': sb.Append("\\t"); break;
                default:
                    if (char.IsControl(ch))
                        sb.Append(CultureInfo.InvariantCulture, $"\\x{(int)ch:x2}");
                    else
                        sb.Append(ch);
                    break;
            }
        }
        return sb.Append('\'').ToString();
    }
}
