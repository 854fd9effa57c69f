namespace Kiln.Paths;

/// <summary>
/// A glob pattern over <c>/</c>-separated relative paths, as <c>Sources.Glob</c> takes it: <c>*</c> is any run of
/// characters within one component, <c>?</c> one character, <c>[abc]</c> / <c>[a-z]</c> / <c>[!abc]</c> (or <c>[^abc]</c>)
/// one character of (not of) a class, and a whole component <c>**</c> any number of directories, none included
/// (<c>src/**/*.c</c> matches <c>src/a.c</c> and <c>src/x/y/b.c</c>). Names starting with <c>.</c> are not special (unlike
/// a shell's), and there is no escape character: write <c>[*]</c> for a literal <c>*</c>.
/// </summary>
/// <remarks>
/// Kiln's own matcher, not Microsoft.Extensions.FileSystemGlobbing: that one knows only <c>*</c> and <c>**</c> (no
/// <c>?</c>, no classes), walks the real file system through its own abstraction (not the engine's <c>IFileSystem</c>,
/// so the in-memory fake could not be used), returns matches in enumeration order (Kiln's listings are sorted), and
/// would be one more package in every build script's reference set. Matching is pure; the walk is
/// <c>Sources</c>'. The walk keeps a set of positions in <see cref="Components"/> per directory (as an NFA
/// does), so <c>**</c> never backtracks exponentially and a directory no position can enter is never read.
/// </remarks>
internal sealed class GlobPattern
{
    /// <summary>The component <c>**</c>.</summary>
    public const string AnyDirectories = "**";

    private GlobPattern(string text, string[] components)
    {
        Text = text;
        Components = components;
    }

    /// <summary>The pattern as given.</summary>
    public string Text { get; }

    /// <summary>The components, e.g. <c>["src", "**", "*.c"]</c>; the first may be <c>""</c> for an absolute pattern.</summary>
    public IReadOnlyList<string> Components { get; }

    /// <summary>Parses <paramref name="pattern"/>.</summary>
    /// <exception cref="ArgumentException">Empty, a directory pattern (ends in <c>/</c>), <c>**</c> inside a component, an
    /// unclosed <c>[</c>, or a wildcard component that is <c>.</c> or <c>..</c>.</exception>
    public static GlobPattern Parse(string pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        if (pattern.Length == 0 || pattern.EndsWith('/') || pattern.Contains('\0', StringComparison.Ordinal))
            throw Invalid(pattern, "it must name files: not empty, not ending in '/', no NUL");
        var components = pattern.Split('/');
        var kept = new List<string>(components.Length);
        for (var i = 0; i < components.Length; i++)
        {
            var c = components[i];
            // "" only as the root of an absolute pattern; "." and empty components elsewhere are dropped, as paths drop them.
            if (c.Length == 0 && i == 0)
            {
                kept.Add(c);
                continue;
            }
            if (c.Length == 0 || c == ".")
                continue;
            if (c != AnyDirectories && c.Contains(AnyDirectories, StringComparison.Ordinal))
                throw Invalid(pattern, $"'**' must be a whole component (as in 'src/**/*.c'), not part of {TreePath.Quote(c)}");
            if (HasWildcard(c))
                CheckClasses(pattern, c);
            kept.Add(c);
        }
        return new GlobPattern(pattern, [.. kept]);
    }

    /// <summary>Whether <paramref name="component"/> holds <c>*</c>, <c>?</c> or <c>[</c>.</summary>
    public static bool HasWildcard(string component) => component.AsSpan().IndexOfAny('*', '?', '[') >= 0;

    /// <summary>Whether the whole relative path <paramref name="path"/> (components separated by <c>/</c>) matches.</summary>
    public bool Matches(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var positions = Start();
        foreach (var name in path.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            positions = Step(positions, name);
            if (positions.Count == 0)
                return false;
        }
        return IsMatch(positions);
    }

    /// <summary>The positions before the first component (with the <c>**</c> that may match nothing skipped).</summary>
    public IReadOnlySet<int> Start() => Closure([0]);

    /// <summary>The positions after an entry named <paramref name="name"/> below a directory at <paramref name="positions"/>.</summary>
    public IReadOnlySet<int> Step(IReadOnlySet<int> positions, string name)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var next = new SortedSet<int>();
        foreach (var p in positions)
        {
            if (p >= Components.Count)
                continue;
            if (Components[p] == AnyDirectories)
                next.Add(p);
            else if (MatchesName(Components[p], name))
                next.Add(p + 1);
        }
        return Closure(next);
    }

    /// <summary>Whether an entry reached at <paramref name="positions"/> is a match (every component consumed).</summary>
    public bool IsMatch(IReadOnlySet<int> positions) => positions.Contains(Components.Count);

    /// <summary>Whether a directory reached at <paramref name="positions"/> may contain a match (is worth reading).</summary>
    public bool MayDescend(IReadOnlySet<int> positions) => positions.Any(p => p < Components.Count);

    private SortedSet<int> Closure(IEnumerable<int> positions)
    {
        var result = new SortedSet<int>(positions);
        // "**" matches zero directories too: whoever stands before it also stands after it.
        foreach (var p in result.ToList())
            for (var q = p; q < Components.Count && Components[q] == AnyDirectories; q++)
                result.Add(q + 1);
        return result;
    }

    /// <summary>Whether one file name matches one component pattern (no <c>/</c> in either).</summary>
    public static bool MatchesName(string component, string name)
    {
        ArgumentNullException.ThrowIfNull(component);
        ArgumentNullException.ThrowIfNull(name);
        // Iterative wildcard matching with one remembered star: linear in practice, never exponential.
        int p = 0, n = 0, starP = -1, starN = 0;
        while (n < name.Length)
        {
            if (p < component.Length && component[p] == '*')
            {
                starP = p++;
                starN = n;
                continue;
            }
            if (p < component.Length && MatchesOne(component, ref p, name[n]))
            {
                n++;
                continue;
            }
            if (starP < 0)
                return false;
            p = starP + 1;
            n = ++starN;
        }
        while (p < component.Length && component[p] == '*')
            p++;
        return p == component.Length;
    }

    // Advances p past one single-character pattern ('?', a class or a literal) when it matches ch; else leaves p.
    private static bool MatchesOne(string component, ref int p, char ch)
    {
        var c = component[p];
        if (c == '?')
        {
            p++;
            return true;
        }
        if (c != '[')
        {
            if (c != ch)
                return false;
            p++;
            return true;
        }
        var i = p + 1;
        var negated = i < component.Length && component[i] is '!' or '^';
        if (negated)
            i++;
        var matched = false;
        var first = true;
        while (i < component.Length && (first || component[i] != ']'))
        {
            first = false;
            var low = component[i];
            var high = low;
            if (i + 2 < component.Length && component[i + 1] == '-' && component[i + 2] != ']')
            {
                high = component[i + 2];
                i += 2;
            }
            if (ch >= low && ch <= high)
                matched = true;
            i++;
        }
        if (matched == negated)
            return false;
        p = i + 1;
        return true;
    }

    private static void CheckClasses(string pattern, string component)
    {
        if (component is "." or "..")
            throw Invalid(pattern, "'.' and '..' cannot follow a wildcard component");
        for (var i = 0; i < component.Length; i++)
        {
            if (component[i] != '[')
                continue;
            var j = i + 1;
            if (j < component.Length && component[j] is '!' or '^')
                j++;
            // A ']' right after '[' (or '[!') is a member, not the end.
            j++;
            while (j < component.Length && component[j] != ']')
                j++;
            if (j >= component.Length)
                throw Invalid(pattern, $"'[' without its ']' in {TreePath.Quote(component)}; write '[[]' for a literal '['");
            i = j;
        }
    }

    private static ArgumentException Invalid(string pattern, string why) =>
        new($"invalid glob pattern {TreePath.Quote(pattern)}: {why}");
}
