using System.Text.Json;

namespace Kiln.Cli.Build;

/// <summary>
/// The arguments of the last successful <c>kiln build</c> in a working tree, kept in <c>.kiln/last-arguments.json</c>
/// as a JSON array of strings (the script name first), written atomically (temporary file + rename), so that
/// arguments with newlines or trailing spaces survive exactly and a killed run never leaves half a file.
/// </summary>
internal static class ArgumentHistory
{
    public const string FileName = "last-arguments.json";

    public static string PathIn(string root) => Path.Combine(root, WorkingTreeRoot.MarkerName, FileName);

    /// <summary>The stored arguments; null when there is no history.</summary>
    /// <exception cref="InvalidDataException">The file exists but is not a non-empty JSON array of strings with a valid script name.</exception>
    public static IReadOnlyList<string>? Load(string root)
    {
        var path = PathIn(root);
        if (!File.Exists(path))
            return null;
        string[]? args;
        try
        {
            args = JsonSerializer.Deserialize<string[]>(File.ReadAllText(path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException or NotSupportedException)
        {
            args = null;
        }
        if (args is null || args.Length == 0 || args.Any(a => a is null) || ScriptName.Problem(args[0]) is not null || ScriptName.Normalize(args[0]) != args[0])
            throw new InvalidDataException($"invalid kiln history file (remove it manually): '{path}'");
        return args;
    }

    /// <summary>Stores the arguments; failures to write are ignored (the history is a convenience).</summary>
    public static void Save(string root, IReadOnlyList<string> arguments)
    {
        var path = PathIn(root);
        var temporary = path + ".tmp-" + Environment.ProcessId;
        try
        {
            File.WriteAllText(temporary, JsonSerializer.Serialize(arguments));
            File.Move(temporary, path, overwrite: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // Nothing more to clean.
            }
        }
    }

    /// <summary>dlb's rendering: <c>'build.cs', 'a\nb', 'c '</c>.</summary>
    public static string Render(IEnumerable<string> arguments) => string.Join(", ", arguments.Select(Kiln.Paths.TreePath.Quote));
}
