using System.Globalization;
using System.Text;
using Kiln.Jit.Signatures;

namespace Kiln.Jit.Cache;

/// <summary>
/// The manifest of one published entry, <c>manifest/K.txt</c>. Written last (its rename publishes the entry), never
/// rewritten; only its mtime changes (approximate LRU: touched on the first hit in a process).
/// Format, one field per line, values escaped (<c>\\</c>, <c>\n</c>), repeated fields in order:
/// <code>
/// kiln-jit-manifest 1
/// key K
/// base-key B
/// signature SIG
/// created-unix-ms N
/// library-size N
/// library-sha256 HEX
/// library-stamp INODE SIZE MTIME-NS CTIME-NS
/// compile-seconds X
/// command ESCAPED-COMMAND
/// source FILE-NAME-OR-EMPTY
/// header SHA256 PATH            (every local header the compiler read, from its depfile)
/// dependency K SIG              (jitted libraries linked, in link order)
/// input LINE                    (the canonical key-input text whose SHA-256 is B)
/// </code>
/// </summary>
internal sealed class EntryManifest
{
    public const string Magic = "kiln-jit-manifest 1";

    public required string Key { get; init; }
    public required string BaseKey { get; init; }
    public required string Signature { get; init; }
    public long CreatedUnixMs { get; init; }
    public long LibrarySize { get; init; }
    public required string LibrarySha256 { get; init; }

    /// <summary>"inode size mtime-ns ctime-ns" of the published library, taken after its rename; empty when unknown.
    /// A library whose stat still shows these four was not written, truncated or replaced since publishing.</summary>
    public string LibraryStamp { get; init; } = "";
    public double CompileSeconds { get; init; }
    public string Command { get; init; } = "";
    public string SourceFile { get; init; } = "";
    public IReadOnlyList<HeaderHash> Headers { get; init; } = [];
    public IReadOnlyList<DependencyKey> Dependencies { get; init; } = [];
    public required string InputText { get; init; }

    public EntryManifest WithStamp(string stamp) => new()
    {
        Key = Key, BaseKey = BaseKey, Signature = Signature, CreatedUnixMs = CreatedUnixMs, LibrarySize = LibrarySize,
        LibrarySha256 = LibrarySha256, LibraryStamp = stamp, CompileSeconds = CompileSeconds, Command = Command,
        SourceFile = SourceFile, Headers = Headers, Dependencies = Dependencies, InputText = InputText,
    };

    public string Format()
    {
        var b = new StringBuilder();
        b.Append(Magic).Append('\n');
        Line(b, "key", Key);
        Line(b, "base-key", BaseKey);
        Line(b, "signature", Signature);
        Line(b, "created-unix-ms", CreatedUnixMs.ToString(CultureInfo.InvariantCulture));
        Line(b, "library-size", LibrarySize.ToString(CultureInfo.InvariantCulture));
        Line(b, "library-sha256", LibrarySha256);
        Line(b, "library-stamp", LibraryStamp);
        Line(b, "compile-seconds", CompileSeconds.ToString("0.######", CultureInfo.InvariantCulture));
        Line(b, "command", Command);
        Line(b, "source", SourceFile);
        foreach (var (sha, path) in Headers)
            Line(b, "header", sha + " " + path);
        foreach (var (key, sig) in Dependencies)
            Line(b, "dependency", key + " " + sig);
        foreach (var input in InputText.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Line(b, "input", input);
        return b.ToString();
    }

    /// <summary>Parses a manifest; returns null when the text is not a complete manifest (truncated, foreign).</summary>
    public static EntryManifest? TryParse(string text)
    {
        if (!text.StartsWith(Magic + "\n", StringComparison.Ordinal) || !text.EndsWith('\n'))
            return null;
        string? key = null, baseKey = null, sig = null, sha = null, command = "", source = "", stamp = "";
        long created = 0, size = -1;
        double seconds = 0;
        var headers = new List<HeaderHash>();
        var deps = new List<DependencyKey>();
        var input = new StringBuilder();
        foreach (var raw in text.AsSpan(Magic.Length + 1).EnumerateLines())
        {
            if (raw.IsEmpty)
                continue;
            var line = raw.ToString();
            var space = line.IndexOf(' ', StringComparison.Ordinal);
            var name = space < 0 ? line : line[..space];
            var value = space < 0 ? "" : Unescape(line[(space + 1)..]);
            switch (name)
            {
                case "key": key = value; break;
                case "base-key": baseKey = value; break;
                case "signature": sig = value; break;
                case "created-unix-ms": _ = long.TryParse(value, CultureInfo.InvariantCulture, out created); break;
                case "library-size": if (!long.TryParse(value, CultureInfo.InvariantCulture, out size)) return null; break;
                case "library-sha256": sha = value; break;
                case "library-stamp": stamp = value; break;
                case "compile-seconds": _ = double.TryParse(value, CultureInfo.InvariantCulture, out seconds); break;
                case "command": command = value; break;
                case "source": source = value; break;
                case "header":
                    var hs = value.IndexOf(' ', StringComparison.Ordinal);
                    if (hs < 0) return null;
                    headers.Add(new HeaderHash(value[..hs], value[(hs + 1)..]));
                    break;
                case "dependency":
                    var ds = value.IndexOf(' ', StringComparison.Ordinal);
                    if (ds < 0) return null;
                    deps.Add(new DependencyKey(value[..ds], value[(ds + 1)..]));
                    break;
                case "input": input.Append(value).Append('\n'); break;
                default: break; // unknown fields from a later minor format are ignored
            }
        }
        if (key is null || baseKey is null || sig is null || sha is null || size < 0)
            return null;
        return new EntryManifest
        {
            Key = key, BaseKey = baseKey, Signature = sig, CreatedUnixMs = created, LibrarySize = size,
            LibrarySha256 = sha, LibraryStamp = stamp, CompileSeconds = seconds, Command = command, SourceFile = source,
            Headers = headers, Dependencies = deps, InputText = input.ToString(),
        };
    }

    private static void Line(StringBuilder b, string name, string value) => Kiln.Platform.Text.KeyValueLines.Append(b, name, value);

    // The format of every record file of the cache (Kiln.Platform's KeyValueLines documents it).
    internal static string Escape(string value) => Kiln.Platform.Text.KeyValueLines.Escape(value);

    internal static string Unescape(string value) => Kiln.Platform.Text.KeyValueLines.Unescape(value);
}
