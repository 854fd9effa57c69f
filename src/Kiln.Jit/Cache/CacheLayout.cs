namespace Kiln.Jit.Cache;

/// <summary>
/// The cache directory's layout (documented in docs/jit.md). Entry files are named by the full key K (64 hex digits);
/// the manifest is written last and is the commit point of an entry.
/// <code>
/// include/K.h                header as generated
/// src/K.c[.gz] | K.cpp[.gz] source (per SourceRetention)
/// lib/libkiln-K.so           the library (immutable once published)
/// log/K.txt                  compile command, then the compiler output
/// manifest/K.txt             key inputs, library size + SHA-256, headers read + hashes, dependencies
/// keys/B                     pointer: base key B (everything but header contents) -> current K
/// locks/B.lock               per-key flock file, holding the holder's host, pid and start time
/// failures/B.txt             recorded compile failure (fail-fast for other processes)
/// failures/jitfailure-SIG/   source, header, command, environment, recompile.sh, error.log
/// probes/P.txt               cached compiler identity, P = hash(compiler stat + language + flags)
/// tmp/                       private build folders (same file system, so publishing is a rename)
/// quarantine/                corrupt or evicted entries moved aside before deletion
/// stats.txt                  persisted statistics (updated under locks/stats.lock)
/// </code>
/// </summary>
internal sealed class CacheLayout
{
    public const string LibraryPrefix = "libkiln-";

    /// <summary>A cache directory on the real file system.</summary>
    public CacheLayout(string root) : this(root, SystemCacheFileSystem.Instance)
    {
    }

    /// <summary>A cache directory on <paramref name="files"/> (an in-memory one in logic tests).</summary>
    public CacheLayout(string root, ICacheFileSystem files)
    {
        Root = root;
        Files = files;
        Include = Path.Combine(root, "include");
        Src = Path.Combine(root, "src");
        Lib = Path.Combine(root, "lib");
        Log = Path.Combine(root, "log");
        Manifests = Path.Combine(root, "manifest");
        Keys = Path.Combine(root, "keys");
        Locks = Path.Combine(root, "locks");
        Failures = Path.Combine(root, "failures");
        Probes = Path.Combine(root, "probes");
        Tmp = Path.Combine(root, "tmp");
        Quarantine = Path.Combine(root, "quarantine");
        StatsFile = Path.Combine(root, "stats.txt");
    }

    public string Root { get; }

    /// <summary>The file system the cache lives on; every file effect of the cache logic goes through it.</summary>
    public ICacheFileSystem Files { get; }
    public string Include { get; }
    public string Src { get; }
    public string Lib { get; }
    public string Log { get; }
    public string Manifests { get; }
    public string Keys { get; }
    public string Locks { get; }
    public string Failures { get; }
    public string Probes { get; }
    public string Tmp { get; }
    public string Quarantine { get; }
    public string StatsFile { get; }

    public IEnumerable<string> AllDirectories => [Include, Src, Lib, Log, Manifests, Keys, Locks, Failures, Probes, Tmp, Quarantine];

    public string LibraryPath(string key) => Path.Combine(Lib, LibraryPrefix + key + ".so");
    public string HeaderPath(string key) => Path.Combine(Include, key + ".h");
    public string LogPath(string key) => Path.Combine(Log, key + ".txt");
    public string ManifestPath(string key) => Path.Combine(Manifests, key + ".txt");
    public string KeyPointerPath(string baseKey) => Path.Combine(Keys, baseKey);
    public string LockPath(string baseKey) => Path.Combine(Locks, baseKey + ".lock");
    public string FailureRecordPath(string baseKey) => Path.Combine(Failures, baseKey + ".txt");
    public string FailureDirectory(string signature) => Path.Combine(Failures, "jitfailure-" + JitSignature.FileName(signature));

    public IEnumerable<string> SourcePaths(string key) =>
        [Path.Combine(Src, key + ".c"), Path.Combine(Src, key + ".c.gz"), Path.Combine(Src, key + ".cpp"), Path.Combine(Src, key + ".cpp.gz")];

    // Roots (on their file system) whose sub-directories this process created.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Root, ICacheFileSystem Files), object?> Ensured = new();

    /// <summary>Creates the sub-directories (once per process and root); fails with one clear line when the directory
    /// is unusable.</summary>
    public void EnsureCreated()
    {
        if (Ensured.ContainsKey((Root, Files)) && Files.DirectoryExists(Tmp))
            return;
        try
        {
            foreach (var d in AllDirectories)
                Files.CreateDirectory(d);
            Ensured[(Root, Files)] = null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CacheWriteError.For(Root, e);
        }
    }

    /// <summary>
    /// Before a build: the sub-directories exist and a file can be created in <c>tmp/</c>. Creating the existing
    /// directories of a read-only cache succeeds, so without this check a read-only or permission-denied cache would
    /// fail later, at the lock or in the middle of the build, with a less useful message. Costs one create and unlink
    /// per miss (a miss runs the compiler anyway).
    /// </summary>
    public void EnsureWritable()
    {
        EnsureCreated();
        var probe = Path.Combine(Tmp, "writable." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            Files.CreateNew(probe);
            Files.DeleteFile(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw CacheWriteError.For(Root, e);
        }
    }

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> by temp file + rename (readers see old or new).
    /// On failure (a full disk) the temp file is removed, so a failed write leaves nothing behind.</summary>
    public void WriteAtomically(string path, string text)
    {
        var temp = Path.Combine(Tmp, Path.GetFileName(path) + "." + Environment.ProcessId + "." + Guid.NewGuid().ToString("N")[..8] + ".tmp");
        Files.WriteAtomically(path, text, temp);
    }
}
