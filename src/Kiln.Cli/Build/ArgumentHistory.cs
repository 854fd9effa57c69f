using System.Buffers;
using System.Text.Json;

namespace Kiln.Cli.Build;

/// <summary>
/// The arguments of the last successful <c>kiln build</c> in a working tree, kept in <c>.kiln/last-arguments.json</c>
/// as a JSON array of strings (the script name first), written atomically (temporary file + rename), so that
/// arguments with newlines or trailing spaces survive exactly and a killed run never leaves half a file.
/// </summary>
/// <remarks>
/// Read and written with <see cref="Utf8JsonReader"/>/<see cref="Utf8JsonWriter"/>, not the reflection-based
/// <see cref="JsonSerializer"/>: its first use per process costs ~30–60 ms of type-info building and emitted
/// accessors (a sixth of a no-op <c>kiln build</c> of 1000 instances, measured with dotnet-trace). An unchanged
/// history is not rewritten.
/// </remarks>
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
            args = Parse(File.ReadAllBytes(path));
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
            var content = Serialize(arguments);
            if (File.Exists(path) && File.ReadAllBytes(path).AsSpan().SequenceEqual(content))
                return;
            File.WriteAllBytes(temporary, content);
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

    /// <summary>The JSON array of strings, as <c>JsonSerializer.Serialize</c> writes it (compact, default escaping).</summary>
    internal static byte[] Serialize(IReadOnlyList<string> arguments)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartArray();
            foreach (var a in arguments)
                writer.WriteStringValue(a);
            writer.WriteEndArray();
        }
        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>A JSON array of strings; null for any other JSON value (or an array holding non-strings).</summary>
    /// <exception cref="JsonException">Not JSON.</exception>
    internal static string[]? Parse(byte[] json)
    {
        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
            return null;
        var result = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
                return null;
            result.Add(reader.GetString()!);
        }
        if (reader.TokenType != JsonTokenType.EndArray || reader.Read())
            return null;
        return [.. result];
    }

    /// <summary>dlb's rendering: <c>'build.cs', 'a\nb', 'c '</c>.</summary>
    public static string Render(IEnumerable<string> arguments) => string.Join(", ", arguments.Select(Kiln.Paths.TreePath.Quote));
}
