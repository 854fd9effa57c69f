namespace Kiln.Cli.Build;

/// <summary>Rules for the script argument of <c>kiln build</c> (dlb's launcher rules, with <c>.cs</c>).</summary>
internal static class ScriptName
{
    public const string Default = "build.cs";

    /// <summary>The script path relative to the root, with <c>.cs</c> appended when missing, normalised.</summary>
    public static string Normalize(string name)
    {
        var withSuffix = name.EndsWith(".cs", StringComparison.Ordinal) ? name : name + ".cs";
        var parts = new List<string>();
        foreach (var part in withSuffix.Split('/'))
        {
            if (part.Length == 0 || part == ".")
                continue;
            if (part == ".." && parts.Count > 0 && parts[^1] != "..")
                parts.RemoveAt(parts.Count - 1);
            else
                parts.Add(part);
        }
        return string.Join('/', parts);
    }

    /// <summary>Why <paramref name="name"/> is not a valid script name, or null.</summary>
    public static string? Problem(string name)
    {
        if (name.Length == 0 || name.StartsWith('-'))
            return $"not a valid script name: {Kiln.Paths.TreePath.Quote(name)}";
        if (name.StartsWith('/'))
            return $"not a valid script name (since absolute): {Kiln.Paths.TreePath.Quote(name)}";
        if (Normalize(name).Split('/').Contains(".."))
            return $"not a valid script name (since upwards path): {Kiln.Paths.TreePath.Quote(name)}";
        return null;
    }
}
