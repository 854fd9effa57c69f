using System.Globalization;
using System.Text;

namespace Kiln.Diagnostics;

/// <summary>
/// Turns a message text (plus data items) into the lines of a diagnostic message, as dlb's
/// <c>dlb.di._format_message</c> does.
/// </summary>
/// <remarks>
/// <para>Format of the result (before the level indicator and indentation are added):</para>
/// <list type="bullet">
/// <item>at least one line; the first line is the summary, it is not empty, does not start with one of
/// <c>' | space . ] \b</c> and does not end with one of <c>space . ] \b</c>;</item>
/// <item>every further line (continuation line) is <c>"|"</c> or <c>"| " + text</c>, where text is not empty;</item>
/// <item>no two successive lines are <c>"|"</c>, the last line is not <c>"|"</c>;</item>
/// <item>no line ends with white space and no line contains a character below U+0020;</item>
/// <item>fields ended by '\t' (left aligned) or '\b' (right aligned) in the message are padded so that the
/// field ends are aligned over all lines of the message (the summary counts as if it had the 2-character
/// prefix <c>"| "</c> too, which is as long as the level prefix <c>"I "</c>).</item>
/// </list>
/// <para>The message text is unindented: leading empty lines are dropped, the indentation of the first non-empty
/// line is removed from all lines, each continuation line must be indented by at least 2 more spaces (these 2
/// become <c>"| "</c>), a run of empty lines becomes one <c>"|"</c> line, and trailing empty lines are dropped.
/// Each data item (a string as is, anything else by its invariant string representation) becomes continuation
/// lines with control characters replaced by spaces; one <c>"|"</c> line stands for a run of empty ones.</para>
/// </remarks>
internal static class MessageFormat
{
    private const string ReservedSummaryEndCharacters = " .]\b";
    private const string ReservedSummaryStartCharacters = "'|" + ReservedSummaryEndCharacters;
    private const string ContinuationIndentation = "  ";

    /// <summary>The formatted lines of <paramref name="message"/> and <paramref name="data"/> (see the type's remarks).</summary>
    /// <param name="message">The message text.</param>
    /// <param name="data">Items shown as continuation lines after the message's own lines.</param>
    /// <param name="name">Name of the argument that holds <paramref name="message"/>, for exception messages.</param>
    /// <exception cref="ArgumentException">The message text violates the message grammar.</exception>
    public static List<string> Lines(string message, IEnumerable<object?>? data, string name = "message")
    {
        ArgumentNullException.ThrowIfNull(message, name);

        var (lines, hasFieldSeparator) = UnindentAndNormalize(message, name);
        if (hasFieldSeparator)
            lines = ExpandFields(lines);

        if (data is not null)
            AppendData(lines, data);
        return lines;
    }

    /// <summary>Joins <paramref name="lines"/> (with a level prefix on the first one) as dlb's <c>format_message</c> returns them.</summary>
    public static string Join(string prefix, IReadOnlyList<string> lines) =>
        prefix + string.Join(" \n  ", lines);

    private static (List<string> Lines, bool HasFieldSeparator) UnindentAndNormalize(string message, string name)
    {
        var lines = new List<string>();
        string? firstIndentation = null; // leading white space of the first non-empty line
        var hasFieldSeparator = false;
        bool? lastWasEmpty = null;

        var lineNumber = 0;
        foreach (var rawLine in PythonText.SplitLines(message))
        {
            lineNumber++;
            var line = PythonText.TrimEnd(rawLine); // keeps '\b'

            if (line.Length == 0)
            {
                if (lastWasEmpty == false)
                {
                    lines.Add("|");
                    lastWasEmpty = true;
                }

                continue;
            }

            lastWasEmpty = false;
            CheckCharacters(line, lineNumber, name, ref hasFieldSeparator);

            if (firstIndentation is null)
            {
                var stripped = PythonText.TrimStart(line); // keeps '\b'
                firstIndentation = line[..(line.Length - stripped.Length)];
                line = stripped;
                if (ReservedSummaryStartCharacters.Contains(line[0], StringComparison.Ordinal))
                {
                    throw new ArgumentException(
                        $"first non-empty line in '{name}' must not start with character {PythonText.Repr(line[0])}", name);
                }

                if (ReservedSummaryEndCharacters.Contains(line[^1], StringComparison.Ordinal))
                    throw new ArgumentException($"first non-empty line in '{name}' must not end with {PythonText.Repr(line[^1])}", name);
            }
            else
            {
                line = line.StartsWith(firstIndentation, StringComparison.Ordinal) ? line[firstIndentation.Length..] : "";
                if (!line.StartsWith(ContinuationIndentation, StringComparison.Ordinal))
                {
                    throw new ArgumentException(
                        string.Create(CultureInfo.InvariantCulture,
                            $"each continuation line in '{name}' must be indented at least {ContinuationIndentation.Length} spaces " +
                            $"more than the first non-empty line, unlike line {lineNumber}"),
                        name);
                }

                line = "| " + line[ContinuationIndentation.Length..];
            }

            lines.Add(line);
        }

        if (lastWasEmpty == true)
            lines.RemoveAt(lines.Count - 1);

        if (lines.Count == 0)
            throw new ArgumentException($"'{name}' must contain at least one non-empty line", name);

        return (lines, hasFieldSeparator);
    }

    private static void CheckCharacters(string line, int lineNumber, string name, ref bool hasFieldSeparator)
    {
        // Like dlb, report the smallest offending character of the line.
        char? smallestControl = null;
        foreach (var c in line)
        {
            if (c is '\t' or '\b')
                hasFieldSeparator = true;
            else if (c < ' ' && (smallestControl is null || c < smallestControl))
                smallestControl = c;
        }

        if (smallestControl is { } control)
        {
            throw new ArgumentException(
                string.Create(CultureInfo.InvariantCulture,
                    $"'{name}' must not contain ASCII control characters except '\\t' and '\\b', " +
                    $"unlike {PythonText.Repr(control)} in line {lineNumber}"),
                name);
        }
    }

    private static List<string> ExpandFields(List<string> lines)
    {
        // A field is a piece of a line up to and including a '\t' or '\b', or the rest of the line.
        var fieldsPerLine = new List<List<string>>(lines.Count);
        var widthByFieldIndex = new Dictionary<int, int>();

        foreach (var line in lines)
        {
            var fields = new List<string>();
            var start = 0;
            for (var i = 0; i < line.Length; i++)
            {
                if (line[i] is not ('\t' or '\b'))
                    continue;
                fields.Add(line[start..(i + 1)]);
                start = i + 1;
            }

            fields.Add(line[start..]);
            fieldsPerLine.Add(fields);

            for (var i = 0; i < fields.Count; i++)
            {
                var field = fields[i];
                if (field.Length > 0 && field[^1] is '\t' or '\b')
                {
                    var width = PythonText.CodePointCount(field) - 1;
                    widthByFieldIndex[i] = Math.Max(width, widthByFieldIndex.GetValueOrDefault(i));
                }
            }
        }

        var expanded = new List<string>(lines.Count);
        foreach (var fields in fieldsPerLine)
        {
            var line = new StringBuilder();
            for (var i = 0; i < fields.Count; i++)
            {
                var field = fields[i];
                if (field.Length > 0 && field[^1] == '\t')
                    line.Append(PythonText.PadRight(field[..^1], widthByFieldIndex[i]));
                else if (field.Length > 0 && field[^1] == '\b')
                    line.Append(PythonText.PadLeft(field[..^1], widthByFieldIndex[i]));
                else
                    line.Append(field);
            }

            expanded.Add(PythonText.TrimEnd(line.ToString()));
        }

        return expanded;
    }

    private static void AppendData(List<string> lines, IEnumerable<object?> data)
    {
        bool? lastWasEmpty = null;
        foreach (var item in data)
        {
            var dataLines = PythonText.SplitLines(TextOf(item));
            if (dataLines.Count == 0)
                dataLines.Add(""); // at least one line per item

            foreach (var rawLine in dataLines)
            {
                var line = PythonText.TrimEnd(ReplaceControlCharacters(rawLine));
                if (line.Length > 0)
                {
                    lines.Add("| " + line);
                    lastWasEmpty = false;
                }
                else if (lastWasEmpty != true)
                {
                    lines.Add("|");
                    lastWasEmpty = true;
                }
            }
        }

        if (lastWasEmpty == true)
            lines.RemoveAt(lines.Count - 1);
    }

    // dlb uses str() for a str and repr() for everything else; the C# counterpart of repr() is the invariant
    // string representation.
    private static string TextOf(object? item) => item switch
    {
        null => "null",
        string s => s,
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => item.ToString() ?? "",
    };

    private static string ReplaceControlCharacters(string line)
    {
        if (!line.Any(c => c < ' '))
            return line;
        return string.Create(line.Length, line, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
                span[i] = source[i] < ' ' ? ' ' : source[i];
        });
    }
}
