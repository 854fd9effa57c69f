namespace Kiln.Platform.Text;

/// <summary>The line helpers of messages: the first line of a system's reason, the last lines of a tool's output.</summary>
internal static class Lines
{
    /// <summary><paramref name="text"/> up to its first <c>'\n'</c> (all of it when it has none).</summary>
    public static string FirstLine(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var i = text.IndexOf('\n', StringComparison.Ordinal);
        return i < 0 ? text : text[..i];
    }

    /// <summary>The last <paramref name="count"/> lines of <paramref name="text"/>, trailing white space removed first.</summary>
    public static string Tail(string text, int count)
    {
        ArgumentNullException.ThrowIfNull(text);
        var all = text.TrimEnd().Split('\n');
        return string.Join('\n', all.Skip(Math.Max(0, all.Length - count)));
    }
}
