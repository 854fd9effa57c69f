using System.Text;
using Kiln.Jit.Cache;
using Kiln.Jit.Signatures;

namespace Kiln.Jit.Mpi;

/// <summary>
/// Packs a published cache entry (manifest, header, library) into one message and publishes a received one: the
/// root-mode transport. A receiver checks the manifest (key, base key) and the library's size and SHA-256 before it
/// publishes with <see cref="EntryStore.Publish"/>, the publish of a local build (header and library first, the
/// manifest stamped with this rank's file as the commit point, the pointer from the base key last), so a reader never
/// sees a half-installed entry and a later hit takes the stat fast path.
/// </summary>
internal static class EntryTransfer
{
    private const string Magic = "kiln-jit-entry 1";

    /// <summary>The message for the published entry <paramref name="key"/> of <paramref name="cacheDirectory"/>.</summary>
    public static byte[] Pack(string cacheDirectory, string key)
    {
        var layout = new CacheLayout(cacheDirectory);
        var manifest = File.ReadAllText(layout.ManifestPath(key));
        var header = File.Exists(layout.HeaderPath(key)) ? File.ReadAllText(layout.HeaderPath(key)) : "";
        var library = File.ReadAllBytes(layout.LibraryPath(key));
        using var stream = new MemoryStream(library.Length + manifest.Length + header.Length + 64);
        using (var writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(manifest);
            writer.Write(header);
            writer.Write((long)library.Length);
            writer.Write(library);
        }
        return stream.ToArray();
    }

    /// <summary>Verifies and publishes a packed entry in <paramref name="cacheDirectory"/>.</summary>
    /// <param name="cacheDirectory">This rank's cache directory.</param>
    /// <param name="expectedBaseKey">The base key this rank computed for the request (null: not checked).</param>
    /// <param name="message">What <see cref="Pack"/> produced on the builder.</param>
    /// <returns>The full key K of the installed entry.</returns>
    /// <exception cref="JitCacheException">The message is malformed or does not match its manifest.</exception>
    public static string Install(string cacheDirectory, string? expectedBaseKey, byte[] message)
    {
        var layout = new CacheLayout(cacheDirectory);
        string manifestText, header;
        byte[] library;
        try
        {
            using var reader = new BinaryReader(new MemoryStream(message), Encoding.UTF8);
            if (reader.ReadString() != Magic)
                throw new JitCacheException("received JIT entry has an unknown format (the ranks run different Kiln versions?)");
            manifestText = reader.ReadString();
            header = reader.ReadString();
            var length = reader.ReadInt64();
            library = reader.ReadBytes(checked((int)length));
            if (library.Length != length)
                throw new JitCacheException($"received JIT entry is truncated: library has {library.Length} of {length} bytes");
        }
        catch (EndOfStreamException e)
        {
            throw new JitCacheException("received JIT entry is truncated", e);
        }
        var manifest = EntryManifest.TryParse(manifestText)
            ?? throw new JitCacheException("received JIT entry has an unreadable manifest");
        if (expectedBaseKey is not null && manifest.BaseKey != expectedBaseKey)
            throw new JitCacheException(
                $"received JIT entry of '{manifest.Signature}' has base key {manifest.BaseKey} but this rank computed {expectedBaseKey}: the ranks resolve different compilers, flags or options; make the build environment identical on every node");
        if (library.LongLength != manifest.LibrarySize)
            throw new JitCacheException($"received library of '{manifest.Signature}' is {library.LongLength} bytes, its manifest says {manifest.LibrarySize}");
        var sha = Convert.ToHexStringLower(Sha256.Hash(library));
        if (sha != manifest.LibrarySha256)
            throw new JitCacheException($"received library of '{manifest.Signature}' does not match the SHA-256 of its manifest (corrupted in transfer)");

        layout.EnsureCreated();
        var key = manifest.Key;
        var temp = Path.Combine(layout.Tmp, "recv-" + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(temp);
        try
        {
            string? h = null;
            if (header.Length > 0)
            {
                h = Path.Combine(temp, "h");
                File.WriteAllText(h, header);
            }
            var lib = Path.Combine(temp, "lib");
            File.WriteAllBytes(lib, library);
            if (!OperatingSystem.IsWindows())
                File.SetUnixFileMode(lib, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                    | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
            // The sender's stamp names the sender's file: the same publish as a local build stamps this rank's copy.
            EntryStore.Publish(layout, new StagedEntry(temp, lib, Header: h), manifest);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new JitCacheException($"cannot install the received JIT entry of '{manifest.Signature}' in '{cacheDirectory}': {e.Message}; check that the cache directory is writable", e);
        }
        finally
        {
            try { Directory.Delete(temp, recursive: true); } catch (IOException) { }
        }
        return key;
    }
}
