using System.Text.Json;
using Kiln.Platform.Text;

namespace Kiln.Platform.Command;

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
        List<string>? args;
        try
        {
            args = ReadStringArray(File.ReadAllBytes(path));
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            args = null;
        }
        if (args is null || args.Count == 0 || ScriptName.Problem(args[0]) is not null || ScriptName.Normalize(args[0]) != args[0])
            throw new InvalidDataException($"invalid kiln history file (remove it manually): '{path}'");
        return args;
    }

    /// <summary>Stores the arguments; failures to write are ignored (the history is a convenience).</summary>
    /// <param name="root">The working tree's root.</param>
    /// <param name="arguments">The script's name (normalised) and arguments.</param>
    /// <param name="beforeRename">Called before the complete file replaces the old one (the engine's kill points).</param>
    /// <param name="afterRename">Called after it has.</param>
    public static void Save(string root, IReadOnlyList<string> arguments, Action<string>? beforeRename = null, Action<string>? afterRename = null)
    {
        var path = PathIn(root);
        try
        {
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var json = new Utf8JsonWriter(buffer))
            {
                json.WriteStartArray();
                foreach (var a in arguments)
                    json.WriteStringValue(a);
                json.WriteEndArray();
            }
            // On failure the temporary is removed; nothing more to do.
            Files.AtomicFile.Write(path, buffer.WrittenSpan, beforeRename: beforeRename, afterRename: afterRename);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
        }
    }

    /// <summary>
    /// A JSON array of strings, or null for anything else. Read with <see cref="Utf8JsonReader"/> rather than the
    /// reflection-based serializer, whose first use costs tens of milliseconds in every <c>kiln</c> start.
    /// </summary>
    private static List<string>? ReadStringArray(byte[] bytes)
    {
        var reader = new Utf8JsonReader(bytes);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            return null;
        var result = new List<string>();
        while (reader.Read())
        {
            if (reader.TokenType == JsonTokenType.EndArray)
                return reader.Read() ? null : result;
            if (reader.TokenType != JsonTokenType.String)
                return null;
            result.Add(reader.GetString()!);
        }
        return null;
    }

    /// <summary>dlb's rendering: <c>'build.cs', 'a\nb', 'c '</c>.</summary>
    public static string Render(IEnumerable<string> arguments) => string.Join(", ", arguments.Select(MessageQuoting.Quote));
}
