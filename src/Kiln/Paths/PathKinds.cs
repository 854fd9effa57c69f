using System.Text.RegularExpressions;

namespace Kiln.Paths;

/// <summary>Checks a <see cref="TreePath"/> against a <see cref="PathKind"/>.</summary>
public static partial class PathKinds
{
    private static readonly HashSet<string> WindowsReservedNames = new(StringComparer.OrdinalIgnoreCase)
    {
        "CON", "PRN", "AUX", "NUL",
        "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
        "LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
    };

    [GeneratedRegex("^[A-Za-z0-9._-]{1,14}$")]
    private static partial Regex PortablePosixComponent();

    /// <summary>The first violated restriction, or <c>null</c> when <paramref name="path"/> is of <paramref name="kind"/>.</summary>
    public static string? Violation(TreePath path, PathKind kind)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (kind.HasFlag(PathKind.Relative) && path.IsAbsolute)
            return "must be relative";
        if (kind.HasFlag(PathKind.Absolute) && !path.IsAbsolute)
            return "must be absolute";
        if (kind.HasFlag(PathKind.Normalized) && !path.IsNormalized)
            return "must be normalized (no '..' component)";
        var text = path.AsString();
        if (kind.HasFlag(PathKind.NoSpace) && text.Contains(' ', StringComparison.Ordinal))
            return "must not contain space";
        if (kind.HasFlag(PathKind.PortablePosix))
        {
            if (text.Length > 255)
                return "path too long (more than 255 characters)";
            foreach (var c in path.Parts)
            {
                if (c == "..")
                    continue;
                if (!PortablePosixComponent().IsMatch(c))
                    return $"component {TreePath.Quote(c)} is not a portable POSIX file name (1 to 14 characters from [A-Za-z0-9._-])";
                if (c.StartsWith('-'))
                    return $"component {TreePath.Quote(c)} must not start with '-'";
            }
        }
        if (kind.HasFlag(PathKind.PortableWindows))
        {
            if (text.Length > 259)
                return "path too long (more than 259 characters)";
            foreach (var c in path.Parts)
            {
                if (c.IndexOfAny(['\\', '"', '|', '?', '*', '<', '>', ':']) >= 0)
                    return $"component {TreePath.Quote(c)} contains a character reserved on MS Windows";
                if (c.Any(char.IsControl))
                    return $"component {TreePath.Quote(c)} contains a control character";
                if (c.Length > 255)
                    return $"component {TreePath.Quote(c)} is longer than 255 characters";
                if (c != ".." && (c.EndsWith(' ') || c.EndsWith('.')))
                    return $"component {TreePath.Quote(c)} must not end with space or '.'";
            }
            if (path.Parts.Count > 0 && WindowsReservedNames.Contains(path.Name.Split('.')[0]))
                return $"component {TreePath.Quote(path.Name)} is a reserved name on MS Windows";
        }
        return null;
    }

    /// <summary>Throws when <paramref name="path"/> violates <paramref name="kind"/>.</summary>
    /// <exception cref="ArgumentException">One line: the path and the violated restriction.</exception>
    public static TreePath Check(TreePath path, PathKind kind)
    {
        var violation = Violation(path, kind);
        if (violation is not null)
            throw new ArgumentException($"invalid path for kind {kind}: {path} ({violation})");
        return path;
    }
}
