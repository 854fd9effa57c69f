using Kiln.Jit.Signatures;

namespace Kiln.Jit.Cache;

/// <summary>
/// Reads and checks published entries. Checks, cheapest first: pointer and manifest present and complete; the manifest's
/// key inputs equal the caller's (a mismatch means corruption or a hash collision); every recorded local header still
/// has its recorded SHA-256; the library has the recorded size and (with full verification) SHA-256.
/// Cost of a check (see docs/jit.md): two small file reads, one stat per header plus hashing its content, one stat
/// of the library, and with full verification one SHA-256 pass over the library (≈ 2 µs per KiB here).
/// </summary>
internal static class EntryStore
{
    public static string? ReadPointer(CacheLayout layout, string baseKey)
    {
        try
        {
            var text = layout.Files.ReadAllText(layout.KeyPointerPath(baseKey)).Trim();
            return text.Length == 64 ? text : null;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }

    public static EntryManifest? ReadManifest(CacheLayout layout, string key, out bool present)
    {
        string text;
        try
        {
            text = layout.Files.ReadAllText(layout.ManifestPath(key));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            present = false;
            return null;
        }
        present = true;
        return EntryManifest.TryParse(text);
    }

    /// <summary>Checks the entry <paramref name="key"/>; <paramref name="expectedInputs"/> null skips the input comparison.</summary>
    public static EntryCheck Check(CacheLayout layout, string key, string? expectedBaseKey, string? expectedInputs, bool fullVerification, bool forceHash = false)
    {
        var manifest = ReadManifest(layout, key, out var present);
        if (!present)
            return EntryCheck.Missing;
        if (manifest is null)
            return new EntryCheck(EntryState.Corrupt, "manifest is incomplete or unreadable", null);
        if (manifest.Key != key || (expectedBaseKey is not null && manifest.BaseKey != expectedBaseKey))
            return new EntryCheck(EntryState.Corrupt, "manifest names another key", manifest);
        if (expectedInputs is not null && manifest.InputText != expectedInputs)
            return new EntryCheck(EntryState.Corrupt, "manifest's key inputs differ from the request's (corruption or hash collision)", manifest);
        var files = layout.Files;
        foreach (var (sha, path) in manifest.Headers)
        {
            if (!files.FileExists(path))
                return new EntryCheck(EntryState.Stale, $"header '{path}' is gone", manifest);
            if (KeyInputs.HashFile(files, path) != sha)
                return new EntryCheck(EntryState.Stale, $"header '{path}' changed", manifest);
        }
        var libraryPath = layout.LibraryPath(key);
        // One stat answers existence, size and the stamp (no stamp text is built: compared in place).
        if (!files.TryStat(libraryPath, out var library) || library.IsDirectory)
            return new EntryCheck(EntryState.Corrupt, "library file is missing", manifest);
        if (library.Size != manifest.LibrarySize)
            return new EntryCheck(EntryState.Corrupt, $"library is {library.Size} bytes, manifest says {manifest.LibrarySize} (truncated or replaced)", manifest);
        // Unchanged since publishing (same inode, size, mtime and ctime): the content hash cannot differ, skip it.
        var untouched = !forceHash && manifest.LibraryStamp.Length > 0 && library.HasStamp(manifest.LibraryStamp);
        if (fullVerification && !untouched && KeyInputs.HashFile(files, libraryPath) != manifest.LibrarySha256)
            return new EntryCheck(EntryState.Corrupt, "library content does not match its SHA-256 in the manifest", manifest);
        return new EntryCheck(EntryState.Valid, "ok", manifest);
    }

    /// <summary>
    /// Publishes an entry staged in a private folder of the same file system (under <c>tmp/</c>), by <c>rename(2)</c>
    /// only, so a reader never sees a half-written file: the payload (header, source, log, library) first; then the
    /// manifest, stamped with the library's stat taken after its rename (so a later check can skip hashing an untouched
    /// library), which is the commit point; then the pointer from the base key; last the base key's failure record,
    /// which a published entry supersedes. The one publish path of a local build and of an entry received from another
    /// rank. Call only while holding the base key's build lease.
    /// </summary>
    /// <returns>The manifest as published (with the library's stamp).</returns>
    public static EntryManifest Publish(CacheLayout layout, StagedEntry staged, EntryManifest manifest)
    {
        var key = manifest.Key;
        var files = layout.Files;
        if (staged.Header is not null)
            files.Rename(staged.Header, layout.HeaderPath(key));
        if (staged.Source is not null)
            files.Rename(staged.Source, Path.Combine(layout.Src, manifest.SourceFile));
        if (staged.Log is not null)
            files.Rename(staged.Log, layout.LogPath(key));
        var library = layout.LibraryPath(key);
        files.Rename(staged.Library, library);
        var published = manifest.WithStamp(StampOf(files, library));
        var manifestTemp = Path.Combine(staged.Folder, "manifest.txt");
        files.WriteAllText(manifestTemp, published.Format());
        files.Rename(manifestTemp, layout.ManifestPath(key));
        layout.WriteAtomically(layout.KeyPointerPath(manifest.BaseKey), key + "\n");
        var failureRecord = layout.FailureRecordPath(manifest.BaseKey);
        if (files.FileExists(failureRecord))
            files.DeleteFile(failureRecord);
        return published;
    }

    /// <summary>"inode size mtime-ns ctime-ns" of a file on the real file system.</summary>
    public static string StampOf(string path) => StampOf(SystemCacheFileSystem.Instance, path);

    /// <summary>"inode size mtime-ns ctime-ns" of a file.</summary>
    /// <exception cref="FileNotFoundException">The file is missing.</exception>
    public static string StampOf(ICacheFileSystem files, string path) =>
        files.TryStat(path, out var status) && !status.IsDirectory
            ? status.Stamp()
            : throw new FileNotFoundException($"cannot stat '{path}': no such file", path);

    /// <summary>Moves an entry's manifest and files into <c>quarantine/</c> (then deletes them) and drops the pointer to
    /// it. Call only while holding the entry's build lease. Processes that already loaded the library keep their mapping.</summary>
    public static void Quarantine(CacheLayout layout, string key, string? baseKey)
    {
        var files = layout.Files;
        files.CreateDirectory(layout.Quarantine);
        var stamp = Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8];
        var entryFiles = new List<string> { layout.ManifestPath(key), layout.LibraryPath(key), layout.HeaderPath(key), layout.LogPath(key) };
        entryFiles.AddRange(layout.SourcePaths(key));
        foreach (var file in entryFiles)
        {
            var aside = Path.Combine(layout.Quarantine, Path.GetFileName(file) + "." + stamp);
            if (files.TryRename(file, aside) == 0)
            {
                try { files.DeleteFile(aside); } catch (IOException) { }
            }
        }
        if (baseKey is not null && ReadPointer(layout, baseKey) == key)
        {
            try { files.DeleteFile(layout.KeyPointerPath(baseKey)); } catch (IOException) { }
        }
    }

    /// <summary>Marks an entry as used now (approximate LRU): sets the manifest's mtime; never writes its content.</summary>
    public static void Touch(CacheLayout layout, string key, TimeProvider time)
    {
        try
        {
            layout.Files.SetLastWriteTime(layout.ManifestPath(key), time.GetUtcNow());
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only cache still serves hits; LRU order just does not advance.
        }
    }
}
