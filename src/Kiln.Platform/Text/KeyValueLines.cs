using System.Text;

namespace Kiln.Platform.Text;

/// <summary>
/// The one line format of Kiln.Jit's small record files (entry manifests, failure records, compiler probes, build
/// lock owner records): one field per line, <c>name SP value LF</c>, the name free of spaces, the value escaped so
/// that it stays on its line — <c>\</c> as <c>\\</c>, LF as <c>\n</c>; nothing else is escaped. A reader splits at
/// the first space and ignores names it does not know (a later minor format may add some).
/// </summary>
internal static class KeyValueLines
{
    /// <summary>Appends the line <c>name SP escaped-value LF</c>.</summary>
    public static StringBuilder Append(StringBuilder builder, string name, string value)
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Append(name).Append(' ').Append(Escape(value)).Append('\n');
    }

    /// <summary>The name and the unescaped value of one line (value "" when the line has no space).</summary>
    public static (string Name, string Value) Split(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        return space < 0 ? (line, "") : (line[..space], Unescape(line[(space + 1)..]));
    }

    /// <summary><paramref name="value"/> with <c>\</c> doubled and LF written as <c>\n</c>.</summary>
    public static string Escape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
    }

    /// <summary>The inverse of <see cref="Escape"/>: <c>\n</c> is LF, <c>\</c> before any other character is that
    /// character, a lone <c>\</c> at the end stays.</summary>
    public static string Unescape(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains('\\', StringComparison.Ordinal))
            return value;
        var b = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '\\' && i + 1 < value.Length)
            {
                b.Append(value[i + 1] == 'n' ? '\n' : value[i + 1]);
                i++;
            }
            else
            {
                b.Append(value[i]);
            }
        }
        return b.ToString();
    }
}
