namespace Kiln.Jit.Building;

/// <summary>POSIX shell quoting for command lines written to logs and recompile.sh.</summary>
internal static class ShellQuote
{
    public static string Word(string word)
    {
        if (word.Length > 0 && word.All(c => char.IsAsciiLetterOrDigit(c) || "-_./=+,:@%".Contains(c, StringComparison.Ordinal)))
            return word;
        return "'" + word.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    public static string Join(IEnumerable<string> words) => string.Join(' ', words.Select(Word));
}
