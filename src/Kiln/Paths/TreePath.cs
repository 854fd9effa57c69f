using System.Text;

namespace Kiln.Paths;

/// <summary>
/// An immutable, platform-independent POSIX path that knows whether it denotes a directory
/// (as dlb's <c>dlb.fs.Path</c>): <c>"a/b/"</c> is a directory path, <c>"a/b"</c> is not.
/// </summary>
/// <remarks>
/// Construction normalises only what is safe without looking at the file system: empty and <c>.</c>
/// components are dropped, <c>..</c> components are kept (a prefix may be a symbolic link).
/// The canonical string form (<see cref="AsString"/>) starts with <c>/</c> iff the path is absolute and
/// ends with <c>/</c> iff it is a directory path; the relative root is <c>./</c>.
/// </remarks>
public sealed class TreePath : IEquatable<TreePath>, IComparable<TreePath>
{
    private readonly string[] _components;
    private string? _string;

    private TreePath(bool isAbsolute, string[] components, bool isDirectory)
    {
        IsAbsolute = isAbsolute;
        _components = components;
        IsDirectory = isDirectory;
    }

    /// <summary>The relative root <c>./</c>.</summary>
    public static TreePath Root { get; } = new(false, [], true);

    /// <summary>Whether the path starts with <c>/</c>.</summary>
    public bool IsAbsolute { get; }

    /// <summary>Whether the path denotes a directory.</summary>
    public bool IsDirectory { get; }

    /// <summary>The components after the root, e.g. <c>["a", "b"]</c> for <c>a/b/</c>.</summary>
    public IReadOnlyList<string> Parts => _components;

    /// <summary>The last component, or the empty string for a root.</summary>
    public string Name => _components.Length == 0 ? "" : _components[^1];

    /// <summary>Whether the path contains no <c>..</c> component.</summary>
    public bool IsNormalized => Array.IndexOf(_components, "..") < 0;

    /// <summary>
    /// Parses a POSIX path string. A trailing <c>/</c>, or a last component <c>.</c> or <c>..</c>, makes a
    /// directory path unless <paramref name="isDirectory"/> says otherwise.
    /// </summary>
    /// <exception cref="ArgumentException">The path is empty, contains NUL, or a non-directory path ends in <c>..</c>.</exception>
    public static TreePath Parse(string path, bool? isDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (path.Length == 0)
            throw new ArgumentException("invalid path: '' (must not be empty)", nameof(path));
        if (path.Contains('\0', StringComparison.Ordinal))
            throw new ArgumentException($"invalid path: {Quote(path)} (must not contain NUL)", nameof(path));

        var isAbsolute = path[0] == '/';
        var raw = path.Split('/');
        var components = new List<string>(raw.Length);
        foreach (var c in raw)
        {
            if (c.Length == 0 || c == ".")
                continue;
            components.Add(c);
        }

        var last = raw[^1];
        var looksLikeDirectory = path.EndsWith('/') || last == "." || last == "..";
        if (isDirectory == false && (last == ".." || (components.Count == 0)))
            throw new ArgumentException($"cannot be the path of a non-directory: {Quote(path)}", nameof(path));
        return new TreePath(isAbsolute, components.ToArray(), isDirectory ?? looksLikeDirectory);
    }

    /// <summary>Converts a string with <see cref="Parse"/>.</summary>
    public static implicit operator TreePath(string path) => Parse(path);

    /// <summary>Creates a path from a string with <see cref="Parse"/>.</summary>
    public static TreePath FromString(string path) => Parse(path);

    /// <summary>The canonical string: <c>/</c>-prefixed iff absolute, <c>/</c>-suffixed iff a directory.</summary>
    public string AsString()
    {
        if (_string is not null)
            return _string;
        var sb = new StringBuilder();
        if (IsAbsolute)
            sb.Append('/');
        else if (_components.Length == 0)
            sb.Append("./");
        sb.AppendJoin('/', _components);
        if (IsDirectory && _components.Length > 0)
            sb.Append('/');
        return _string = sb.ToString();
    }

    /// <summary>
    /// The path for the operating system: a relative path always starts with <c>./</c> or <c>../</c>, so it can
    /// never be mistaken for a command-line option (<c>./-rf</c>).
    /// </summary>
    public string Native
    {
        get
        {
            var s = AsString();
            if (IsAbsolute || s.StartsWith("./", StringComparison.Ordinal) || s.StartsWith("../", StringComparison.Ordinal) || s == "..")
                return s;
            return "./" + s;
        }
    }

    /// <summary>Appends a relative path to this directory path.</summary>
    /// <exception cref="InvalidOperationException">This path is not a directory path or <paramref name="right"/> is absolute.</exception>
    public static TreePath operator /(TreePath left, TreePath right)
    {
        ArgumentNullException.ThrowIfNull(left);
        ArgumentNullException.ThrowIfNull(right);
        if (!left.IsDirectory)
            throw new InvalidOperationException($"cannot append to a non-directory path: {Quote(left.AsString())}");
        if (right.IsAbsolute)
            throw new InvalidOperationException($"cannot append an absolute path: {Quote(right.AsString())}");
        return new TreePath(left.IsAbsolute, [.. left._components, .. right._components], right.IsDirectory);
    }

    /// <summary>Appends a relative path string to this directory path.</summary>
    public TreePath Join(string relative) => this / Parse(relative);

    /// <summary>The parent directory path (<c>a/</c> for <c>a/b</c>); the root is its own parent.</summary>
    public TreePath Parent => _components.Length == 0 ? this : new TreePath(IsAbsolute, _components[..^1], true);

    /// <summary>This path as a directory path or as a non-directory path.</summary>
    public TreePath WithIsDirectory(bool isDirectory)
    {
        if (isDirectory == IsDirectory)
            return this;
        if (!isDirectory && (_components.Length == 0 || _components[^1] == ".."))
            throw new ArgumentException($"cannot be the path of a non-directory: {Quote(AsString())}");
        return new TreePath(IsAbsolute, _components, isDirectory);
    }

    /// <summary>The same path with <paramref name="suffix"/> appended to the last component (<c>a.c</c> → <c>a.c.o</c>).</summary>
    public TreePath WithAppendedSuffix(string suffix)
    {
        ArgumentNullException.ThrowIfNull(suffix);
        if (_components.Length == 0 || suffix.Contains('/', StringComparison.Ordinal))
            throw new ArgumentException($"cannot append suffix {Quote(suffix)} to {Quote(AsString())}");
        var c = (string[])_components.Clone();
        c[^1] += suffix;
        return new TreePath(IsAbsolute, c, IsDirectory);
    }

    /// <summary>Whether this path lies below <paramref name="prefix"/> (a directory path) or equals it.</summary>
    public bool StartsWith(TreePath prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (prefix.IsAbsolute != IsAbsolute || prefix._components.Length > _components.Length)
            return false;
        for (var i = 0; i < prefix._components.Length; i++)
            if (!string.Equals(prefix._components[i], _components[i], StringComparison.Ordinal))
                return false;
        return prefix._components.Length < _components.Length || prefix.IsDirectory == IsDirectory;
    }

    /// <summary>This path relative to the directory path <paramref name="prefix"/>.</summary>
    public TreePath RelativeTo(TreePath prefix)
    {
        ArgumentNullException.ThrowIfNull(prefix);
        if (!prefix.IsDirectory || !StartsWith(prefix))
            throw new ArgumentException($"{Quote(AsString())} does not start with {Quote(prefix.AsString())}");
        return new TreePath(false, _components[prefix._components.Length..], IsDirectory);
    }

    /// <inheritdoc/>
    public bool Equals(TreePath? other) =>
        other is not null && other.IsAbsolute == IsAbsolute && other.IsDirectory == IsDirectory &&
        _components.AsSpan().SequenceEqual(other._components);

    /// <inheritdoc/>
    public override bool Equals(object? obj) => obj is TreePath p && Equals(p);

    /// <inheritdoc/>
    public override int GetHashCode() => HashCode.Combine(string.GetHashCode(AsString(), StringComparison.Ordinal));

    /// <summary>Orders relative before absolute, then component-wise (ordinal), then non-directory before directory.</summary>
    public int CompareTo(TreePath? other)
    {
        if (other is null)
            return 1;
        if (IsAbsolute != other.IsAbsolute)
            return IsAbsolute ? 1 : -1;
        var n = Math.Min(_components.Length, other._components.Length);
        for (var i = 0; i < n; i++)
        {
            var c = string.CompareOrdinal(_components[i], other._components[i]);
            if (c != 0)
                return c;
        }
        if (_components.Length != other._components.Length)
            return _components.Length.CompareTo(other._components.Length);
        return IsDirectory.CompareTo(other.IsDirectory);
    }

    /// <summary>Equality by components and directory-ness.</summary>
    public static bool operator ==(TreePath? left, TreePath? right) => left is null ? right is null : left.Equals(right);

    /// <summary>Inequality by components and directory-ness.</summary>
    public static bool operator !=(TreePath? left, TreePath? right) => !(left == right);

    /// <summary>Orders paths as <see cref="CompareTo"/>.</summary>
    public static bool operator <(TreePath left, TreePath right) => left is null ? right is not null : left.CompareTo(right) < 0;

    /// <summary>Orders paths as <see cref="CompareTo"/>.</summary>
    public static bool operator >(TreePath left, TreePath right) => left is not null && left.CompareTo(right) > 0;

    /// <summary>Orders paths as <see cref="CompareTo"/>.</summary>
    public static bool operator <=(TreePath left, TreePath right) => !(left > right);

    /// <summary>Orders paths as <see cref="CompareTo"/>.</summary>
    public static bool operator >=(TreePath left, TreePath right) => !(left < right);

    /// <summary>The canonical string in quotes, as used in messages: <c>'a/b/'</c>.</summary>
    public override string ToString() => Quote(AsString());

    /// <summary>Quotes a string for a one-line message, escaping what would break the line.</summary>
    public static string Quote(string text) => Kiln.Platform.Text.MessageQuoting.Quote(text);

    /// <summary>
    /// As <see cref="Quote"/>, but of a text longer than <paramref name="maxLength"/> characters only the start and the
    /// end are kept, with <c>…</c> between: a message about a very long name stays one readable line.
    /// </summary>
    internal static string QuoteShortened(string text, int maxLength = 120)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length <= maxLength)
            return Quote(text);
        var tail = maxLength / 3;
        return Quote(text[..(maxLength - tail)] + "…" + text[^tail..]);
    }
}
