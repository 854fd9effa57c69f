using System.Text;

namespace Kiln.Toolchain;

/// <summary>
/// A parsed Makefile depfile as gcc and clang write it with <c>-MD</c>/<c>-MMD</c>: rules separated by newlines,
/// backslash-newline continuations, <c>\ </c> for a space in a name, <c>\#</c> for <c>#</c>, <c>$$</c> for <c>$</c>,
/// several targets per rule, and the phony header rules of <c>-MP</c>.
/// </summary>
public sealed class Depfile
{
    private Depfile(IReadOnlyList<DepfileRule> rules) => Rules = rules;

    /// <summary>The rules in file order.</summary>
    public IReadOnlyList<DepfileRule> Rules { get; }

    /// <summary>
    /// The real prerequisites: every prerequisite of every non-phony rule, each once, in first-seen order.
    /// Phony rules add nothing (their targets already appear as prerequisites of the real rule).
    /// </summary>
    public IReadOnlyList<string> Prerequisites =>
        Rules.Where(r => !r.IsPhony).SelectMany(r => r.Prerequisites).Distinct(StringComparer.Ordinal).ToList();

    /// <summary>Reads and parses the depfile at <paramref name="path"/>.</summary>
    /// <param name="path">The depfile.</param>
    /// <exception cref="DepfileFormatException">The text is not a depfile, or names a file whose name is not UTF-8.</exception>
    public static Depfile Read(string path)
    {
        try
        {
            return Parse(File.ReadAllBytes(path));
        }
        catch (DepfileFormatException e)
        {
            throw new DepfileFormatException($"depfile '{path}': {e.Message}", e);
        }
    }

    /// <summary>Parses a depfile's bytes as <see cref="Read"/> does (file names must be UTF-8), for a caller that
    /// reads the file itself (the JIT cache reads through its file-system seam).</summary>
    /// <param name="content">The depfile's content.</param>
    /// <exception cref="DepfileFormatException">The text is not a depfile, or names a file whose name is not UTF-8.</exception>
    public static Depfile Parse(byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        return Parse(DecodeStrictly(content));
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    // A compiler writes file names as the bytes it got from the file system. .NET names files by strings, which
    // cannot hold bytes that are not UTF-8: a lenient decoding would name another (missing) file, and a change of
    // the real one would go unnoticed. So such a name is an error that shows the name with its bytes escaped.
    private static string DecodeStrictly(byte[] bytes)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            var bad = Math.Clamp(e.Index, 0, bytes.Length - 1);
            var start = bad;
            while (start > 0 && !IsSeparator(bytes[start - 1]))
                start--;
            var end = bad;
            while (end < bytes.Length && !IsSeparator(bytes[end]))
                end++;
            var line = 1 + bytes.AsSpan(0, bad).Count((byte)'\n');
            throw new DepfileFormatException(
                $"line {line}: file name is not valid UTF-8: '{Escape(bytes.AsSpan(start, end - start))}'; Kiln cannot track it as a dependency: rename the file", e);
        }

        static bool IsSeparator(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)':';
    }

    private static string Escape(ReadOnlySpan<byte> name)
    {
        var text = new StringBuilder();
        foreach (var b in name)
        {
            if (b is >= 0x20 and < 0x7F && b != (byte)'\\')
                text.Append((char)b);
            else
                text.Append(System.Globalization.CultureInfo.InvariantCulture, $"\\x{b:x2}");
        }
        return text.ToString();
    }

    /// <summary>Parses depfile text.</summary>
    /// <param name="text">The depfile's content.</param>
    /// <exception cref="DepfileFormatException">A rule has no colon, or a colon has no target.</exception>
    public static Depfile Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var rules = new List<DepfileRule>();
        var targets = new List<string>();
        var prereqs = new List<string>();
        var word = new StringBuilder();
        var wordStarted = false;
        var afterColon = false;
        var line = 1;

        void EndWord()
        {
            if (!wordStarted)
                return;
            (afterColon ? prereqs : targets).Add(word.ToString());
            word.Clear();
            wordStarted = false;
        }

        void EndRule()
        {
            EndWord();
            if (targets.Count == 0 && prereqs.Count == 0 && !afterColon)
                return;
            if (!afterColon)
                throw new DepfileFormatException($"line {line}: '{string.Join(' ', targets)}' has no ':'; expected 'target: prerequisites'");
            if (targets.Count == 0)
                throw new DepfileFormatException($"line {line}: a rule has no target before ':'");
            rules.Add(new DepfileRule(targets.ToArray(), prereqs.ToArray()));
            targets.Clear();
            prereqs.Clear();
            afterColon = false;
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            var next = i + 1 < text.Length ? text[i + 1] : '\0';
            switch (c)
            {
                case '\\' when next == '\n':
                    EndWord();
                    i++;
                    line++;
                    break;
                case '\\' when next == '\r' && i + 2 < text.Length && text[i + 2] == '\n':
                    EndWord();
                    i += 2;
                    line++;
                    break;
                case '\\' when next is ' ' or '#':
                    word.Append(next);
                    wordStarted = true;
                    i++;
                    break;
                case '$' when next == '$':
                    word.Append('$');
                    wordStarted = true;
                    i++;
                    break;
                case ' ' or '\t':
                    EndWord();
                    break;
                case '\r' when next == '\n':
                    break;
                case '\n':
                    EndRule();
                    line++;
                    break;
                case ':' when !afterColon && IsRuleColon(text, i):
                    EndWord();
                    afterColon = true;
                    break;
                default:
                    word.Append(c);
                    wordStarted = true;
                    break;
            }
        }
        EndRule();
        return new Depfile(rules);
    }

    // A colon separates targets from prerequisites when followed by whitespace or end of line;
    // "C:\x" (drive letter) and "a::b" style names are not separators.
    private static bool IsRuleColon(string text, int i) =>
        i + 1 >= text.Length || text[i + 1] is ' ' or '\t' or '\n' or '\r';
}
