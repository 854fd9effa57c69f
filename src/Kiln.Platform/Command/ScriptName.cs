using Kiln.Platform.Text;

namespace Kiln.Platform.Command;

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
            return $"not a valid script name: {MessageQuoting.Quote(name)}";
        if (name.StartsWith('/'))
            return $"not a valid script name (since absolute): {MessageQuoting.Quote(name)}";
        if (Normalize(name).Split('/').Contains(".."))
            return $"not a valid script name (since upwards path): {MessageQuoting.Quote(name)}";
        return null;
    }

    /// <summary>
    /// The script in <paramref name="root"/>'s directory of <paramref name="script"/> whose name is nearest to it (at most two
    /// edits, or the same ignoring case), for "did you mean …?"; null when none is near.
    /// </summary>
    public static string? NearestExisting(string root, string script)
    {
        var directory = Path.GetDirectoryName(script) ?? "";
        var name = Path.GetFileName(script);
        string[] candidates;
        try
        {
            candidates = [.. Directory.EnumerateFiles(Path.Combine(root, directory), "*.cs").Select(Path.GetFileName).OfType<string>()];
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
        var best = candidates
            .Select(c => (Name: c, Distance: string.Equals(c, name, StringComparison.OrdinalIgnoreCase) ? 0 : EditDistance(c, name)))
            .Where(c => c.Distance <= 2)
            .OrderBy(c => c.Distance).ThenBy(c => c.Name, StringComparer.Ordinal)
            .FirstOrDefault();
        return best.Name is null ? null : directory.Length == 0 ? best.Name : directory + "/" + best.Name;
    }

    /// <summary>Levenshtein distance (insertions, deletions, substitutions).</summary>
    internal static int EditDistance(string a, string b)
    {
        var previous = new int[b.Length + 1];
        var current = new int[b.Length + 1];
        for (var j = 0; j <= b.Length; j++)
            previous[j] = j;
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
                current[j] = Math.Min(Math.Min(current[j - 1], previous[j]) + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (previous, current) = (current, previous);
        }
        return previous[b.Length];
    }
}
