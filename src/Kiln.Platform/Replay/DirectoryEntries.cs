using System.Security.Cryptography;
using System.Text;
using Kiln.Platform.Files;

namespace Kiln.Platform.Replay;

/// <summary>
/// The entries of a listed directory as one hash: what a listing of the script (<c>Sources.Glob</c>, <c>Sources.List</c>)
/// can see of it. Equal hashes mean equal listings, whatever the pattern: the listing is a function of the names and
/// their kinds only.
/// </summary>
internal static class DirectoryEntries
{
    /// <summary>SHA-256 (lower-case hex) over the entries sorted by name (ordinal), each <c>name NUL kind LF</c>.</summary>
    public static string Hash(IEnumerable<(string Name, byte Kind)> entries)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var (name, kind) in entries.OrderBy(e => e.Name, StringComparer.Ordinal))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(name));
            hash.AppendData([0, (byte)('0' + kind), (byte)'\n']);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The hash of the directory at <paramref name="path"/> on the real file system; null when it cannot be listed.</summary>
    public static string? HashOf(string path)
    {
        try
        {
            var entries = new List<(string, byte)>();
            foreach (var entry in Directory.EnumerateFileSystemEntries(path))
            {
                var name = Path.GetFileName(entry);
                if (PathState.TryLstat(entry, out var state) != 0)
                    return null;
                entries.Add((name, state.Kind));
            }
            return Hash(entries);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
