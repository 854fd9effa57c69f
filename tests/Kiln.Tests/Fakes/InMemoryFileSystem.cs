using Kiln.Paths;
using Kiln.WorkingTree;

namespace Kiln.Tests.Fakes;

/// <summary>
/// An <see cref="IFileSystem"/> in memory with a logical clock, as ninja's <c>VirtualFileSystem</c>: the clock
/// moves only by <see cref="Tick"/>, and every object created or written (and every directory whose entries
/// change) gets the clock's time as mtime. Supports regular files, directories, symbolic links and "other"
/// objects (FIFOs); symbolic links in non-final components are followed as <c>lstat</c> would.
/// </summary>
/// <remarks>
/// Paths are absolute native paths; a trailing <c>/</c> is ignored except by <see cref="Lstat"/>, which then
/// follows a final symbolic link and demands a directory, as <c>lstat</c> does. Errors are <see cref="IOException"/>s
/// (<see cref="FileNotFoundException"/> or <see cref="DirectoryNotFoundException"/> where .NET would throw those).
/// Thread-safe, because redos run in parallel.
/// </remarks>
internal sealed class InMemoryFileSystem : IFileSystem
{
    /// <summary>Owner of every object.</summary>
    public const uint Uid = 1000;

    /// <summary>Group of every object.</summary>
    public const uint Gid = 1000;

    private const int MaxSymlinkDepth = 40;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal);
    private readonly HashSet<string> _locked = new(StringComparer.Ordinal);

    public InMemoryFileSystem()
    {
        _nodes["/"] = new Node(FileKind.Directory, 0b111_101_101, NowNs);
    }

    /// <summary>The logical clock: the mtime the next modification gets, in ns.</summary>
    public long NowNs { get; private set; } = 1_000_000_000_000;

    /// <summary>Called with the path after every <see cref="TouchProbe"/> (e.g. to advance a fake time provider).</summary>
    public Action<string>? ProbeTouched { get; set; }

    /// <summary>Advances the clock by <paramref name="ns"/> (default 1 ms) and returns the new time.</summary>
    public long Tick(long ns = 1_000_000)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(ns);
        lock (_gate)
            return NowNs += ns;
    }

    // ---- set-up and inspection helpers for tests -------------------------------------------------------------

    /// <summary>Creates or replaces a regular file (and missing parent directories) with <paramref name="content"/>.</summary>
    public void AddFile(string path, string content = "")
    {
        lock (_gate)
        {
            var key = Normalize(path);
            CreateDirectoryLocked(ParentOf(key));
            WriteLocked(key, System.Text.Encoding.UTF8.GetBytes(content));
        }
    }

    /// <summary>Creates a directory and its parents.</summary>
    public void AddDirectory(string path) => CreateDirectory(path);

    /// <summary>Creates a symbolic link (and missing parent directories) to <paramref name="target"/>.</summary>
    public void AddSymlink(string path, string target)
    {
        ArgumentException.ThrowIfNullOrEmpty(target);
        lock (_gate)
        {
            var key = Normalize(path);
            CreateDirectoryLocked(ParentOf(key));
            AddNodeLocked(key, new Node(FileKind.SymbolicLink, 0b111_111_111, NowNs) { Target = target });
        }
    }

    /// <summary>Creates an object that is neither a regular file, a directory nor a symbolic link (a FIFO).</summary>
    public void AddFifo(string path)
    {
        lock (_gate)
        {
            var key = Normalize(path);
            CreateDirectoryLocked(ParentOf(key));
            AddNodeLocked(key, new Node(FileKind.Other, 0b110_100_100, NowNs));
        }
    }

    /// <summary>Changes the permission bits (as <c>chmod</c>: the mtime stays).</summary>
    public void SetMode(string path, uint mode)
    {
        lock (_gate)
            NodeLocked(Resolve(Normalize(path)), path).Mode = mode & 0xFFF;
    }

    /// <summary>Whether an object exists at <paramref name="path"/> (not following a final symbolic link).</summary>
    public bool Exists(string path) => Lstat(path).Exists;

    /// <summary>The content of a regular file as UTF-8 text.</summary>
    public string ReadText(string path) => System.Text.Encoding.UTF8.GetString(ReadAllBytes(path));

    /// <summary>The names in a directory, sorted ordinally.</summary>
    public IReadOnlyList<string> List(string path)
    {
        lock (_gate)
        {
            var key = Resolve(Normalize(path));
            if (NodeLocked(key, path).Kind != FileKind.Directory)
                throw new IOException($"not a directory: '{path}'");
            return [.. ChildrenLocked(key).Select(k => k[(k.LastIndexOf('/') + 1)..]).Order(StringComparer.Ordinal)];
        }
    }

    /// <summary>Whether a lock taken with <see cref="TryLock"/> on <paramref name="path"/> is held.</summary>
    public bool IsLocked(string path)
    {
        lock (_gate)
            return _locked.Contains(Normalize(path));
    }

    // ---- IFileSystem ---------------------------------------------------------------------------------------

    public FileMemo Lstat(string path)
    {
        lock (_gate)
        {
            var key = ResolveParentOrNull(Normalize(path));
            if (key is not null && path.Length > 1 && path.EndsWith('/'))
            {
                // As lstat: a trailing '/' follows a final symbolic link and demands a directory (else ENOTDIR).
                key = FollowOrNull(key, 0);
                if (key is null || !_nodes.TryGetValue(key, out var target) || target.Kind != FileKind.Directory)
                    return FileMemo.Missing;
            }
            if (key is null || !_nodes.TryGetValue(key, out var node))
                return FileMemo.Missing;
            var size = node.Kind switch
            {
                FileKind.RegularFile => node.Content.Length,
                FileKind.SymbolicLink => System.Text.Encoding.UTF8.GetByteCount(node.Target!),
                FileKind.Directory => 4096,
                _ => 0,
            };
            return new FileMemo(node.Kind, size, node.MtimeNs, node.Mode, Uid, Gid, node.Target);
        }
    }

    public void CreateDirectory(string path)
    {
        lock (_gate)
            CreateDirectoryLocked(Normalize(path));
    }

    public void Delete(string path)
    {
        lock (_gate)
        {
            var key = ResolveParentOrNull(Normalize(path));
            if (key is null || !_nodes.TryGetValue(key, out var node))
                return;
            if (key == "/")
                throw new IOException("cannot delete '/'");
            if (node.Kind == FileKind.Directory)
            {
                foreach (var descendant in DescendantsLocked(key).ToList())
                    _nodes.Remove(descendant);
            }
            _nodes.Remove(key);
            TouchLocked(ParentOf(key));
        }
    }

    public void Rename(string source, string destination)
    {
        lock (_gate)
        {
            var from = ResolveParentOrNull(Normalize(source));
            var to = ResolveParentOrNull(Normalize(destination));
            if (from is null || !_nodes.TryGetValue(from, out var moved))
                throw new FileNotFoundException($"cannot rename '{source}' to '{destination}': No such file or directory", source);
            if (to is null || !_nodes.TryGetValue(ParentOf(to), out var toParent) || toParent.Kind != FileKind.Directory)
                throw new DirectoryNotFoundException($"cannot rename '{source}' to '{destination}': No such file or directory");
            if (from == to)
                return;
            if (to.StartsWith(from + "/", StringComparison.Ordinal))
                throw new IOException($"cannot rename '{source}' to '{destination}': Invalid argument");
            if (_nodes.TryGetValue(to, out var replaced))
            {
                if (moved.Kind == FileKind.Directory && replaced.Kind != FileKind.Directory)
                    throw new IOException($"cannot rename '{source}' to '{destination}': Not a directory");
                if (moved.Kind != FileKind.Directory && replaced.Kind == FileKind.Directory)
                    throw new IOException($"cannot rename '{source}' to '{destination}': Is a directory");
                if (replaced.Kind == FileKind.Directory && ChildrenLocked(to).Any())
                    throw new IOException($"cannot rename '{source}' to '{destination}': Directory not empty");
                _nodes.Remove(to);
            }
            // rename(2) keeps the moved object's mtime; the two directories' entries change.
            var subtree = DescendantsLocked(from).ToList();
            _nodes.Remove(from);
            _nodes[to] = moved;
            foreach (var descendant in subtree)
            {
                var node = _nodes[descendant];
                _nodes.Remove(descendant);
                _nodes[to + descendant[from.Length..]] = node;
            }
            TouchLocked(ParentOf(from));
            TouchLocked(ParentOf(to));
        }
    }

    public void CreateNewFile(string path)
    {
        lock (_gate)
        {
            var key = ResolveParentOrNull(Normalize(path));
            if (key is not null && _nodes.ContainsKey(key))
                throw new IOException($"The file '{path}' already exists.");
            RequireParentDirectoryLocked(key, path);
            WriteLocked(key!, []);
        }
    }

    public bool ContentEquals(string path, string otherPath)
    {
        lock (_gate)
            return RegularFileLocked(path).Content.AsSpan().SequenceEqual(RegularFileLocked(otherPath).Content);
    }

    public byte[] ReadAllBytes(string path)
    {
        lock (_gate)
            return (byte[])RegularFileLocked(path).Content.Clone();
    }

    public void WriteAllBytes(string path, byte[] content)
    {
        ArgumentNullException.ThrowIfNull(content);
        lock (_gate)
        {
            var key = ResolveParentOrNull(Normalize(path));
            RequireParentDirectoryLocked(key, path);
            key = Resolve(key!);
            if (_nodes.TryGetValue(key, out var node) && node.Kind != FileKind.RegularFile)
                throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
            WriteLocked(key, (byte[])content.Clone());
        }
    }

    public bool IsReal => false;

    public long TouchProbe(string path)
    {
        long mtime;
        lock (_gate)
        {
            var key = ResolveParentOrNull(Normalize(path));
            RequireParentDirectoryLocked(key, path);
            key = Resolve(key!);
            byte[] content = [];
            if (_nodes.TryGetValue(key, out var node))
            {
                if (node.Kind != FileKind.RegularFile)
                    throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
                content = node.Content;
            }
            // As FileMode.OpenOrCreate and one byte written at offset 0.
            WriteLocked(key, [(byte)'0', .. content.Skip(1)]);
            mtime = _nodes[key].MtimeNs;
        }
        ProbeTouched?.Invoke(path);
        return mtime;
    }

    public IDisposable? TryLock(string path)
    {
        lock (_gate)
        {
            var key = ResolveParentOrNull(Normalize(path));
            RequireParentDirectoryLocked(key, path);
            if (!_nodes.ContainsKey(key!))
                WriteLocked(key!, []);
            var node = NodeLocked(Resolve(key!), path);
            if (node.Kind != FileKind.RegularFile)
                throw new IOException($"cannot open lock file '{path}': Is a directory");
            if (!_locked.Add(key!))
                return null;
            node.Content = System.Text.Encoding.ASCII.GetBytes($"{Environment.ProcessId}\n"); // as ProcessLock
            node.MtimeNs = NowNs;
            return new HeldLock(this, key!);
        }
    }

    // ---- implementation --------------------------------------------------------------------------------------

    /// <summary>The path without empty and <c>.</c> components and without a trailing <c>/</c>; <c>..</c> is kept (resolved while walking).</summary>
    private static string Normalize(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        if (!path.StartsWith('/'))
            throw new ArgumentException($"not an absolute path: '{path}'", nameof(path));
        return "/" + string.Join('/', path.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != "."));
    }

    private static string ParentOf(string key)
    {
        var i = key.LastIndexOf('/');
        return i <= 0 ? "/" : key[..i];
    }

    private static string Child(string directory, string name) => directory == "/" ? "/" + name : directory + "/" + name;

    /// <summary>
    /// The real key of <paramref name="key"/> with every symbolic link and <c>..</c> in its parent components
    /// resolved (a final symbolic link is kept, as <c>lstat</c> does); null when a parent component is missing
    /// or not a directory.
    /// </summary>
    private string? ResolveParentOrNull(string key, int depth = 0)
    {
        var parts = key.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)
            return "/";
        var current = "/";
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (parts[i] == "..")
            {
                current = ParentOf(current);
                continue;
            }
            var next = FollowOrNull(Child(current, parts[i]), depth);
            if (next is null || !_nodes.TryGetValue(next, out var node) || node.Kind != FileKind.Directory)
                return null;
            current = next;
        }
        return parts[^1] == ".." ? ParentOf(current) : Child(current, parts[^1]);
    }

    /// <summary>The real key of <paramref name="key"/> with every symbolic link followed, also a final one; null as above.</summary>
    private string? FollowOrNull(string key, int depth)
    {
        var resolved = ResolveParentOrNull(key, depth);
        if (resolved is null || !_nodes.TryGetValue(resolved, out var node) || node.Kind != FileKind.SymbolicLink)
            return resolved;
        if (depth >= MaxSymlinkDepth)
            throw new IOException($"Too many levels of symbolic links: '{key}'");
        var target = node.Target!.StartsWith('/') ? node.Target : Child(ParentOf(resolved), node.Target);
        return FollowOrNull(Normalize(target), depth + 1);
    }

    /// <summary>As <see cref="FollowOrNull"/> (as <c>open</c>), throwing when a parent component is missing.</summary>
    private string Resolve(string key) =>
        FollowOrNull(key, 0) ?? throw new DirectoryNotFoundException($"Could not find a part of the path '{key}'.");

    private Node NodeLocked(string key, string path) =>
        _nodes.TryGetValue(key, out var node) ? node : throw new FileNotFoundException($"Could not find file '{path}'.", path);

    private Node RegularFileLocked(string path)
    {
        var node = NodeLocked(Resolve(Normalize(path)), path);
        return node.Kind == FileKind.RegularFile ? node : throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
    }

    private void RequireParentDirectoryLocked(string? key, string path)
    {
        if (key is null || !_nodes.TryGetValue(ParentOf(key), out var parent) || parent.Kind != FileKind.Directory)
            throw new DirectoryNotFoundException($"Could not find a part of the path '{path}'.");
    }

    private IEnumerable<string> ChildrenLocked(string key)
    {
        var prefix = key == "/" ? "/" : key + "/";
        return _nodes.Keys.Where(k => k.Length > prefix.Length && k.StartsWith(prefix, StringComparison.Ordinal) && k.IndexOf('/', prefix.Length) < 0);
    }

    private IEnumerable<string> DescendantsLocked(string key)
    {
        var prefix = key == "/" ? "/" : key + "/";
        return _nodes.Keys.Where(k => k.Length > prefix.Length && k.StartsWith(prefix, StringComparison.Ordinal));
    }

    private void CreateDirectoryLocked(string key)
    {
        var resolved = ResolveParentOrNull(key);
        if (resolved is null)
        {
            CreateDirectoryLocked(ParentOf(key));
            resolved = ResolveParentOrNull(key) ?? throw new IOException($"Not a directory: '{key}'");
        }
        if (_nodes.TryGetValue(resolved, out var node))
        {
            if (node.Kind == FileKind.SymbolicLink && FollowOrNull(resolved, 0) is { } real && _nodes.TryGetValue(real, out var target))
                node = target;
            if (node.Kind != FileKind.Directory)
                throw new IOException($"cannot create directory '{key}': File exists");
            return;
        }
        AddNodeLocked(resolved, new Node(FileKind.Directory, 0b111_101_101, NowNs));
    }

    private void AddNodeLocked(string key, Node node)
    {
        if (_nodes.TryGetValue(key, out var existing) && existing.Kind == FileKind.Directory)
            throw new IOException($"cannot replace directory '{key}'");
        _nodes[key] = node;
        TouchLocked(ParentOf(key));
    }

    private void WriteLocked(string key, byte[] content)
    {
        if (_nodes.TryGetValue(key, out var node))
        {
            node.Content = content;
            node.MtimeNs = NowNs;
            return;
        }
        AddNodeLocked(key, new Node(FileKind.RegularFile, 0b110_100_100, NowNs) { Content = content });
    }

    private void TouchLocked(string directoryKey)
    {
        if (_nodes.TryGetValue(directoryKey, out var directory))
            directory.MtimeNs = NowNs;
    }

    private void Unlock(string key)
    {
        lock (_gate)
            _locked.Remove(key);
    }

    private sealed class Node(FileKind kind, uint mode, long mtimeNs)
    {
        public FileKind Kind { get; } = kind;

        public uint Mode { get; set; } = mode;

        public long MtimeNs { get; set; } = mtimeNs;

        public byte[] Content { get; set; } = [];

        public string? Target { get; init; }
    }

    private sealed class HeldLock(InMemoryFileSystem fs, string key) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                fs.Unlock(key);
        }
    }
}
