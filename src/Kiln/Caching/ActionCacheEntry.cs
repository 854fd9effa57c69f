using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Kiln.Platform.Text;

namespace Kiln.Caching;

/// <summary>
/// The value of one action-cache entry: what a successful redo produced, so that a start with the same key can be
/// completed without running the tool. The same bytes are a file of the local cache and a value in Redis.
/// </summary>
/// <remarks>
/// <para>Format (version 1), in this order:</para>
/// <list type="number">
/// <item><c>KILNAC1\n</c> (8 bytes: magic and version).</item>
/// <item>The header length (4 bytes, little-endian), then the header: UTF-8 lines in the <see cref="KeyValueLines"/>
/// format (<c>name SP escaped-value LF</c>):
/// <c>key &lt;hex&gt;</c> (the entry's own key: a value stored under another key is refused);
/// <c>role &lt;name&gt;</c> for every non-explicit input role the redo assigned, then its paths as
/// <c>input &lt;sha256-hex&gt; &lt;relative path&gt;</c>;
/// <c>output &lt;mode-octal&gt; &lt;size&gt; &lt;sha256-hex&gt; &lt;relative path&gt;</c> per explicit output, in role order;
/// <c>helper-output &lt;size&gt;</c>.</item>
/// <item>The helpers' standard error (UTF-8, <c>helper-output</c> bytes), then each output's bytes in header order.</item>
/// <item>SHA-256 of everything before it (32 bytes). A value whose length, digest, key or an output's digest does not
/// match is refused (and rebuilt): a truncated or corrupted entry is never restored.</item>
/// </list>
/// </remarks>
internal sealed class ActionCacheEntry
{
    private static readonly byte[] Magic = "KILNAC1\n"u8.ToArray();

    public ActionCacheEntry(string key, IReadOnlyList<(string Role, IReadOnlyList<(string Path, string Sha256)> Inputs)> nonExplicitInputs,
        IReadOnlyList<CachedOutput> outputs, string helperOutput)
    {
        Key = key;
        NonExplicitInputs = nonExplicitInputs;
        Outputs = outputs;
        HelperOutput = helperOutput;
    }

    /// <summary>The key (hex SHA-256) the entry was stored under.</summary>
    public string Key { get; }

    /// <summary>Per non-explicit input role the redo assigned: the working-tree relative paths and their content digests.</summary>
    public IReadOnlyList<(string Role, IReadOnlyList<(string Path, string Sha256)> Inputs)> NonExplicitInputs { get; }

    /// <summary>The explicit outputs, in role order.</summary>
    public IReadOnlyList<CachedOutput> Outputs { get; }

    /// <summary>What the helpers wrote to standard error (warnings), replayed on a hit.</summary>
    public string HelperOutput { get; }

    /// <summary>Bytes of the outputs together.</summary>
    public long OutputBytes => Outputs.Sum(o => (long)o.Content.Length);

    /// <summary>The entry in its stored form.</summary>
    public byte[] Encode()
    {
        var header = new StringBuilder();
        KeyValueLines.Append(header, "key", Key);
        foreach (var (role, inputs) in NonExplicitInputs)
        {
            KeyValueLines.Append(header, "role", role);
            foreach (var (path, sha) in inputs)
                KeyValueLines.Append(header, "input", sha + " " + path);
        }
        var helper = Encoding.UTF8.GetBytes(HelperOutput);
        foreach (var o in Outputs)
        {
            KeyValueLines.Append(header, "output", string.Create(System.Globalization.CultureInfo.InvariantCulture,
                $"{Convert.ToString(o.Mode, 8)} {o.Content.Length} {Convert.ToHexStringLower(SHA256.HashData(o.Content))} {o.Path}"));
        }
        KeyValueLines.Append(header, "helper-output", helper.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var headerBytes = Encoding.UTF8.GetBytes(header.ToString());
        var length = Magic.Length + 4 + headerBytes.Length + helper.Length + Outputs.Sum(o => o.Content.Length) + 32;
        var result = new byte[length];
        var span = result.AsSpan();
        Magic.CopyTo(span);
        var at = Magic.Length;
        BinaryPrimitives.WriteInt32LittleEndian(span[at..], headerBytes.Length);
        at += 4;
        headerBytes.CopyTo(span[at..]);
        at += headerBytes.Length;
        helper.CopyTo(span[at..]);
        at += helper.Length;
        foreach (var o in Outputs)
        {
            o.Content.CopyTo(span[at..]);
            at += o.Content.Length;
        }
        SHA256.HashData(span[..at], span[at..]);
        return result;
    }

    /// <summary>Decodes a stored value; throws <see cref="ActionCacheFormatException"/> for anything but a whole entry of <paramref name="expectedKey"/>.</summary>
    public static ActionCacheEntry Decode(ReadOnlySpan<byte> value, string expectedKey)
    {
        if (value.Length < Magic.Length + 4 + 32 || !value[..Magic.Length].SequenceEqual(Magic))
            throw new ActionCacheFormatException("not an action-cache entry of format 1 (or truncated)");
        var body = value[..^32];
        Span<byte> digest = stackalloc byte[32];
        SHA256.HashData(body, digest);
        if (!digest.SequenceEqual(value[^32..]))
            throw new ActionCacheFormatException("digest mismatch (truncated or corrupted)");
        var at = Magic.Length;
        var headerLength = BinaryPrimitives.ReadInt32LittleEndian(body[at..]);
        at += 4;
        if (headerLength < 0 || headerLength > body.Length - at)
            throw new ActionCacheFormatException("header length out of range");
        var header = Encoding.UTF8.GetString(body.Slice(at, headerLength));
        at += headerLength;
        string? key = null;
        var roles = new List<(string Role, IReadOnlyList<(string Path, string Sha256)> Inputs)>();
        var outputs = new List<(int Mode, int Size, string Sha, string Path)>();
        var helperLength = -1;
        foreach (var line in header.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var (name, field) = KeyValueLines.Split(line);
            switch (name)
            {
                case "key":
                    key = field;
                    break;
                case "role":
                    roles.Add((field, new List<(string, string)>()));
                    break;
                case "input" when roles.Count > 0 && field.Length > 65 && field[64] == ' ':
                    ((List<(string, string)>)roles[^1].Inputs).Add((field[65..], field[..64]));
                    break;
                case "output":
                    var parts = field.Split(' ', 4);
                    if (parts.Length != 4 || !int.TryParse(parts[1], System.Globalization.CultureInfo.InvariantCulture, out var size) || size < 0)
                        throw new ActionCacheFormatException("malformed output line");
                    outputs.Add((Convert.ToInt32(parts[0], 8), size, parts[2], parts[3]));
                    break;
                case "helper-output":
                    if (!int.TryParse(field, System.Globalization.CultureInfo.InvariantCulture, out helperLength) || helperLength < 0)
                        throw new ActionCacheFormatException("malformed helper-output line");
                    break;
                case "input":
                    throw new ActionCacheFormatException("malformed input line");
            }
        }
        if (key != expectedKey)
            throw new ActionCacheFormatException("stored under another key");
        if (helperLength < 0 || (long)helperLength + outputs.Sum(o => (long)o.Size) != body.Length - at)
            throw new ActionCacheFormatException("content length does not match the header");
        var helper = Encoding.UTF8.GetString(body.Slice(at, helperLength));
        at += helperLength;
        var cached = new List<CachedOutput>(outputs.Count);
        foreach (var (mode, size, sha, path) in outputs)
        {
            var content = body.Slice(at, size).ToArray();
            at += size;
            if (Convert.ToHexStringLower(SHA256.HashData(content)) != sha)
                throw new ActionCacheFormatException($"output digest mismatch: {path}");
            cached.Add(new CachedOutput(path, mode, content));
        }
        return new ActionCacheEntry(key, roles, cached, helper);
    }
}

/// <summary>One explicit output of a cached redo: its working-tree relative path, permission bits and bytes.</summary>
internal sealed record CachedOutput(string Path, int Mode, byte[] Content);

/// <summary>A stored value that is not a whole entry of the expected key.</summary>
internal sealed class ActionCacheFormatException(string message) : Exception(message);
