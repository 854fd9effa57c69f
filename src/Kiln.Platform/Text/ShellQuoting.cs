namespace Kiln.Platform.Text;

/// <summary>
/// POSIX shell quoting for command lines shown in messages, compilation databases and recompile scripts: one
/// implementation under the engine and Kiln.Toolchain (which know nothing of each other), so that every command
/// line Kiln prints is quoted the same way.
/// </summary>
internal static class ShellQuoting
{
    // Characters no POSIX shell treats specially in an unquoted word.
    private const string SafePunctuation = "-_./=:+,@%";

    /// <summary><paramref name="word"/> as is when it holds only safe characters, else in single quotes.</summary>
    public static string Word(string word) =>
        word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || SafePunctuation.Contains(c, StringComparison.Ordinal))
            ? word
            : "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    /// <summary>The words as one command line.</summary>
    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Word));
}
