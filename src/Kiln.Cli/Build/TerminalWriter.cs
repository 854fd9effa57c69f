using System.Text;

namespace Kiln.Cli.Build;

/// <summary>
/// Diagnostic output on a terminal: each message line colored by its level letter (D dim, I with a bold letter,
/// W yellow, E red, C bold red; continuation lines keep their message's color), and a progress line
/// (<c>[done/total] tool</c>) kept at the bottom, erased before every message and redrawn after it.
/// Used only when standard error is a terminal and <c>NO_COLOR</c> is not set; piped output stays plain.
/// </summary>
internal sealed class TerminalWriter(TextWriter inner) : TextWriter
{
    private const string Reset = "\u001b[0m";
    private const string Bold = "\u001b[1m";
    private const string EraseLine = "\r\u001b[K";
    private readonly Lock _gate = new();
    private string _progress = "";

    public override Encoding Encoding => inner.Encoding;

    /// <summary>Whether standard error should get colors and a progress line.</summary>
    public static bool IsWanted() =>
        TerminalFacts.Current.ErrorIsTerminal &&
        string.IsNullOrEmpty(Environment.GetEnvironmentVariable("NO_COLOR")) &&
        Environment.GetEnvironmentVariable("TERM") is not (null or "" or "dumb");

    public override void Write(char value) => Write(value.ToString());

    public override void Write(string? value)
    {
        if (string.IsNullOrEmpty(value))
            return;
        lock (_gate)
        {
            var text = new StringBuilder();
            if (_progress.Length > 0)
                text.Append(EraseLine);
            string? color = null;
            var firstLine = true;
            foreach (var line in value.Split('\n'))
            {
                var trimmed = line.TrimStart();
                var isInitial = trimmed.Length >= 2 && trimmed[1] == ' ' && "DIWEC".Contains(trimmed[0], StringComparison.Ordinal);
                if (isInitial)
                    color = ColorOf(trimmed[0]);
                if (!firstLine)
                    text.Append('\n');
                firstLine = false;
                if (isInitial && color is null)
                {
                    var indent = line.Length - trimmed.Length;
                    text.Append(line.AsSpan(0, indent)).Append(Bold).Append(trimmed[0]).Append(Reset).Append(trimmed.AsSpan(1));
                }
                else
                {
                    text.Append(color is null || line.Length == 0 ? line : color + line + Reset);
                }
            }
            if (_progress.Length > 0 && value.EndsWith('\n'))
                text.Append(_progress);
            inner.Write(text.ToString());
            inner.Flush();
        }
    }

    public override void WriteLine(string? value) => Write((value ?? "") + "\n");

    /// <summary>Shows <paramref name="progress"/> as the bottom line (empty: removes it).</summary>
    public void ShowProgress(string progress)
    {
        lock (_gate)
        {
            var width = TerminalFacts.Current.Columns - 1;
            _progress = progress.Length > width ? progress[..(width - 1)] + "…" : progress;
            inner.Write(EraseLine + _progress);
            inner.Flush();
        }
    }

    private static string? ColorOf(char level) => level switch
    {
        'D' => "\u001b[2m",
        'W' => "\u001b[33m",
        'E' => "\u001b[31m",
        'C' => "\u001b[1;31m",
        _ => null,
    };
}
