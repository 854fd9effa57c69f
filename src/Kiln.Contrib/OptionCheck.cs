using System.Text.RegularExpressions;

namespace Kiln.Contrib;

/// <summary>
/// Validation of contrib tool options, called from their <c>init</c> accessors so that a bad value fails where it
/// is written. Lists and dictionaries are copied, so a script cannot change an instance after creating it.
/// </summary>
internal static partial class OptionCheck
{
    private static readonly string[] OptimizationLevels = ["0", "1", "2", "3", "s", "z", "fast", "g"];

    public static string Helper(Type tool, string option, string? value)
    {
        if (string.IsNullOrEmpty(value) || value.Any(c => char.IsWhiteSpace(c) || c == '\0'))
            throw new ToolOptionException(tool, option, value ?? "null",
                "must be one executable name (looked up on the PATH of the root context) or path, without spaces; put arguments into 'ExtraArguments'");
        return value;
    }

    /// <summary>A path the compiler writes into its depfile (make syntax), which cannot represent a line break: such a
    /// path used to fail after the compile with a depfile parse error naming the temporary depfile.</summary>
    public static Kiln.Paths.TreePath DepfilePath(Type tool, string option, Kiln.Paths.TreePath value)
    {
        if (value is not null && value.AsString().Any(c => c is '\n' or '\r'))
            throw new ToolOptionException(tool, option, value.AsString(),
                "must not contain a line break: the compiler's depfile (make syntax) cannot represent it; rename the file");
        return value!;
    }

    public static string? Standard(Type tool, string option, string? value)
    {
        if (value is not null && !StandardPattern().IsMatch(value))
            throw new ToolOptionException(tool, option, value, "must be a standard name such as 'c11', 'gnu17' or 'c++20'; the tool writes '-std=<value>'");
        return value;
    }

    public static string? Optimization(Type tool, string option, string? value)
    {
        if (value is not null && !OptimizationLevels.Contains(value, StringComparer.Ordinal))
            throw new ToolOptionException(tool, option, value, $"must be one of {string.Join(", ", OptimizationLevels)}; the tool writes '-O<value>'");
        return value;
    }

    public static string[] Warnings(Type tool, string option, IReadOnlyList<string>? value)
    {
        var list = NotNull(tool, option, value);
        foreach (var w in list)
        {
            if (w is null || !WarningPattern().IsMatch(w))
                throw new ToolOptionException(tool, option, w ?? "null",
                    "must be a warning name such as 'all', 'extra', 'error' or 'no-unused'; the tool writes '-W<value>' (write 'all', not '-Wall')");
        }
        return list;
    }

    public static string[] Features(Type tool, string option, IReadOnlyList<string>? value)
    {
        var list = NotNull(tool, option, value);
        foreach (var f in list)
        {
            if (f is null || !WarningPattern().IsMatch(f))
                throw new ToolOptionException(tool, option, f ?? "null",
                    "must be a feature name such as 'no-common' or 'visibility=hidden'; the tool writes '-f<value>' (write 'no-common', not '-fno-common')");
        }
        return list;
    }

    public static string[] LinkerArguments(Type tool, string option, IReadOnlyList<string>? value)
    {
        var list = NotNull(tool, option, value);
        foreach (var a in list)
        {
            if (string.IsNullOrEmpty(a) || a.StartsWith("-Wl,", StringComparison.Ordinal) || a.Any(c => char.IsWhiteSpace(c) || c == '\0'))
                throw new ToolOptionException(tool, option, a ?? "null",
                    "must be a non-empty linker option without spaces such as '--as-needed' or '-z,now'; the tool writes '-Wl,<value>' (write '--as-needed', not '-Wl,--as-needed')");
        }
        return list;
    }

    public static Dictionary<string, string?> Definitions(Type tool, string option, IReadOnlyDictionary<string, string?>? value)
    {
        if (value is null)
            throw new ToolOptionException(tool, option, "null", "must not be null; leave the option out for no definitions");
        var copy = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (name, text) in value)
        {
            if (!MacroPattern().IsMatch(name))
                throw new ToolOptionException(tool, option, name, "a macro name must be an identifier, optionally with a parameter list as in 'MAX(a,b)'; the tool writes '-D<name>' or '-D<name>=<value>'");
            if (text is not null && text.Any(c => c is '\n' or '\r' or '\0'))
                throw new ToolOptionException(tool, option, text, $"the value of macro '{name}' must not contain a line break or NUL");
            copy[name] = text;
        }
        return copy;
    }

    public static string[] Paths(Type tool, string option, IReadOnlyList<string>? value)
    {
        var list = NotNull(tool, option, value);
        foreach (var p in list)
        {
            if (string.IsNullOrEmpty(p) || p.Contains('\0', StringComparison.Ordinal))
                throw new ToolOptionException(tool, option, p ?? "null", "must be a non-empty directory path without NUL");
        }
        return list;
    }

    public static string[] RunPaths(Type tool, string option, IReadOnlyList<string>? value)
    {
        var list = Paths(tool, option, value);
        foreach (var p in list)
        {
            if (p.Contains(',', StringComparison.Ordinal))
                throw new ToolOptionException(tool, option, p, "must not contain ',': the tool writes '-Wl,-rpath,<value>' and the driver splits at commas");
        }
        return list;
    }

    public static string[] Libraries(Type tool, string option, IReadOnlyList<string>? value)
    {
        var list = NotNull(tool, option, value);
        foreach (var l in list)
        {
            if (string.IsNullOrEmpty(l) || l.StartsWith('-') || l.Any(c => char.IsWhiteSpace(c) || c == '\0'))
                throw new ToolOptionException(tool, option, l ?? "null",
                    "must be a library name such as 'm' or ':libfoo.a' without spaces; the tool writes '-l<value>' (write 'm', not '-lm'); give libraries of the working tree as 'LibraryFiles'");
        }
        return list;
    }

    public static string? SharedObjectName(Type tool, string option, string? value)
    {
        if (value is not null && (value.Length == 0 || value.Any(c => c is ',' or '/' or '\0' || char.IsWhiteSpace(c))))
            throw new ToolOptionException(tool, option, value, "must be a file name such as 'libfoo.so.1' without ',', '/' or spaces; the tool writes '-Wl,-soname,<value>'");
        return value;
    }

    public static string[] Verbatim(Type tool, string option, IReadOnlyList<string>? value)
    {
        var list = NotNull(tool, option, value);
        if (list.Any(a => a is null || a.Contains('\0', StringComparison.Ordinal)))
            throw new ToolOptionException(tool, option, "…", "arguments must not be null or contain NUL");
        return list;
    }

    private static string[] NotNull(Type tool, string option, IReadOnlyList<string>? value) =>
        value is null ? throw new ToolOptionException(tool, option, "null", "must not be null; write [] for none") : [.. value];

    [GeneratedRegex(@"^[a-z0-9+]+$", RegexOptions.CultureInvariant)]
    private static partial Regex StandardPattern();

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9=+_,.\-]*$", RegexOptions.CultureInvariant)]
    private static partial Regex WarningPattern();

    [GeneratedRegex(@"^[A-Za-z_][A-Za-z0-9_]*(\([A-Za-z0-9_, .]*\))?$", RegexOptions.CultureInvariant)]
    private static partial Regex MacroPattern();
}
