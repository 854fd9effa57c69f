using System.Text;
using Kiln.Jit.Cache;

namespace Kiln.Jit.Tests.Fakes;

/// <summary>
/// An <see cref="ICacheFileSystem"/> in memory, for the cache's logic tests: files and directories with inodes, sizes
/// and a logical clock (every change is 100 ns later than the one before; <see cref="Advance"/> moves the clock), atomic
/// renames as <c>rename(2)</c> does them, and locks that exclude each other per handle as <c>flock(2)</c> on separate
/// descriptors does. No symbolic links, permissions or file-system limits. Thread-safe (statistics are flushed in the
/// background). <c>InMemoryCacheFileSystemContractTests</c> runs the same scenarios here and on a real directory.
/// </summary>
internal sealed class InMemoryCacheFileSystem : ICacheFileSystem
{
    private const int ENOENT = 2, EWOULDBLOCK = 11, EISDIR = 21, ENOTDIR = 20, ENOTEMPTY = 39;

    private readonly Dictionary<string, Node> _nodes = new(StringComparer.Ordinal) { ["/"] = new Node(null, 1, 0) };
    private readonly Dictionary<string, HeldLock> _held = new(StringComparer.Ordinal);
    private readonly object _gate = new();
    private ulong _nextInode = 2;
    private long _nowNs = (new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero) - DateTimeOffset.UnixEpoch).Ticks * 100;

    /// <summary>The clock: the time of the last change.</summary>
    public DateTimeOffset Now
    {
        get
        {
            lock (_gate)
                return DateTimeOffset.UnixEpoch.AddTicks(_nowNs / 100);
        }
    }

    /// <summary>Moves the clock on.</summary>
    public void Advance(TimeSpan time)
    {
        lock (_gate)
            _nowNs += time.Ticks * 100;
    }

    /// <summary>Every path of a file (not a directory) under <paramref name="directory"/>, sorted.</summary>
    public IReadOnlyList<string> FilesUnder(string directory)
    {
        var prefix = Normalize(directory) + "/";
        lock (_gate)
            return _nodes.Where(n => n.Key.StartsWith(prefix, StringComparison.Ordinal) && n.Value.Content is not null)
                .Select(n => n.Key).Order(StringComparer.Ordinal).ToList();
    }

    public bool TryStat(string path, out CacheFileStatus status)
    {
        lock (_gate)
        {
            if (!_nodes.TryGetValue(Normalize(path), out var node))
            {
                status = default;
                return false;
            }
            status = new CacheFileStatus(node.Content is null, 1, node.Inode, node.Content?.Length ?? 4096, node.ModifiedNs, node.ChangedNs);
            return true;
        }
    }

    public string ReadAllText(string path) => Encoding.UTF8.GetString(ReadAllBytes(path));

    public byte[] ReadAllBytes(string path)
    {
        lock (_gate)
            return [.. File(path).Content!];
    }

    public Stream OpenRead(string path) => new MemoryStream(ReadAllBytes(path), writable: false);

    public Stream Create(string path)
    {
        WriteBytes(path, []);
        return new WriteBack(this, path);
    }

    public void WriteAllText(string path, string text) => WriteBytes(path, Encoding.UTF8.GetBytes(text));

    public void CreateNew(string path)
    {
        lock (_gate)
        {
            if (_nodes.ContainsKey(Normalize(path)))
                throw new IOException($"The file '{path}' already exists.");
            WriteBytes(path, []);
        }
    }

    public void WriteAtomically(string path, string text, string temporary)
    {
        lock (_gate)
        {
            WriteAllText(temporary, text);
            ((ICacheFileSystem)this).Rename(temporary, path);
        }
    }

    public int TryRename(string from, string to)
    {
        lock (_gate)
        {
            from = Normalize(from);
            to = Normalize(to);
            if (!_nodes.TryGetValue(from, out var node))
                return ENOENT;
            if (!_nodes.TryGetValue(Parent(to), out var toParent))
                return ENOENT;
            if (toParent.Content is not null)
                return ENOTDIR;
            if (from == to)
                return 0;
            if (_nodes.TryGetValue(to, out var existing))
            {
                if (node.Content is not null && existing.Content is null)
                    return EISDIR;
                if (node.Content is null && existing.Content is not null)
                    return ENOTDIR;
                if (existing.Content is null && Children(to).Any())
                    return ENOTEMPTY;
                _nodes.Remove(to);
            }
            var moved = _nodes.Where(n => n.Key == from || n.Key.StartsWith(from + "/", StringComparison.Ordinal)).ToList();
            foreach (var (key, _) in moved)
                _nodes.Remove(key);
            foreach (var (key, value) in moved)
                _nodes[to + key[from.Length..]] = value;
            node.ChangedNs = Tick();
            Touch(Parent(from));
            Touch(Parent(to));
            return 0;
        }
    }

    public bool PublishFolder(string staging, string destination, string asideDirectory)
    {
        lock (_gate)
        {
            if (DirectoryExists(destination))
            {
                var aside = Path.Combine(asideDirectory, Path.GetFileName(destination) + "." + Guid.NewGuid().ToString("N")[..8]);
                if (TryRename(destination, aside) == 0)
                    DeleteTree(aside);
            }
            if (TryRename(staging, destination) == 0)
                return true;
            DeleteTree(staging);
            return false;
        }
    }

    public bool FileExists(string path) => TryStat(path, out var status) && !status.IsDirectory;

    public bool DirectoryExists(string path) => TryStat(path, out var status) && status.IsDirectory;

    public void CreateDirectory(string path)
    {
        lock (_gate)
        {
            path = Normalize(path);
            if (_nodes.TryGetValue(path, out var node))
            {
                if (node.Content is not null)
                    throw new IOException($"The file '{path}' already exists.");
                return;
            }
            CreateDirectory(Parent(path));
            _nodes[path] = new Node(null, _nextInode++, Tick());
            Touch(Parent(path));
        }
    }

    public void DeleteFile(string path)
    {
        lock (_gate)
        {
            path = Normalize(path);
            if (!_nodes.TryGetValue(Parent(path), out var parent) || parent.Content is not null)
                throw new DirectoryNotFoundException($"Could not find a part of the path '{path}'.");
            if (!_nodes.TryGetValue(path, out var node))
                return;
            if (node.Content is null)
                throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
            _nodes.Remove(path);
            Touch(Parent(path));
        }
    }

    public void DeleteTree(string path)
    {
        lock (_gate)
        {
            path = Normalize(path);
            if (!_nodes.TryGetValue(path, out var node) || node.Content is not null)
                return;
            foreach (var key in _nodes.Keys.Where(k => k == path || k.StartsWith(path + "/", StringComparison.Ordinal)).ToList())
                _nodes.Remove(key);
            Touch(Parent(path));
        }
    }

    public IReadOnlyList<string> List(string directory)
    {
        lock (_gate)
        {
            directory = Normalize(directory);
            if (!_nodes.TryGetValue(directory, out var node))
                return [];
            if (node.Content is not null)
                throw new IOException($"The directory name '{directory}' is invalid.");
            return Children(directory).Order(StringComparer.Ordinal).ToList();
        }
    }

    public void SetLastWriteTime(string path, DateTimeOffset time)
    {
        lock (_gate)
        {
            var node = Existing(path);
            node.ModifiedNs = (time - DateTimeOffset.UnixEpoch).Ticks * 100;
            node.ChangedNs = Tick();
        }
    }

    public void CopyFile(string from, string to, bool overwrite)
    {
        lock (_gate)
        {
            var content = File(from).Content!;
            if (!overwrite && _nodes.ContainsKey(Normalize(to)))
                throw new IOException($"The file '{to}' already exists.");
            WriteBytes(to, [.. content]);
        }
    }

    public void MakeExecutable(string path)
    {
        lock (_gate)
            File(path).Executable = true;
    }

    /// <summary>Whether <see cref="MakeExecutable"/> was called for the file.</summary>
    public bool IsExecutable(string path)
    {
        lock (_gate)
            return File(path).Executable;
    }

    public ICacheLock OpenLock(string path)
    {
        lock (_gate)
        {
            if (!_nodes.ContainsKey(Normalize(path)))
            {
                try
                {
                    WriteBytes(path, []);
                }
                catch (DirectoryNotFoundException e)
                {
                    throw new IOException($"cannot open lock file '{path}': No such file or directory (errno {ENOENT})", e);
                }
            }
            return new HeldLock(this, Normalize(path));
        }
    }

    public string? ReadLockOwner(string path)
    {
        lock (_gate)
            return _nodes.TryGetValue(Normalize(path), out var node) && node.Content is not null ? Encoding.UTF8.GetString(node.Content) : null;
    }

    private void WriteBytes(string path, byte[] content)
    {
        lock (_gate)
        {
            path = Normalize(path);
            if (!_nodes.TryGetValue(Parent(path), out var parent) || parent.Content is not null)
                throw new DirectoryNotFoundException($"Could not find a part of the path '{path}'.");
            if (_nodes.TryGetValue(path, out var node))
            {
                if (node.Content is null)
                    throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
                node.Content = content;
                node.ModifiedNs = node.ChangedNs = Tick();
                return;
            }
            _nodes[path] = new Node(content, _nextInode++, Tick());
            Touch(Parent(path));
        }
    }

    private Node File(string path)
    {
        var node = Existing(path);
        return node.Content is not null ? node : throw new UnauthorizedAccessException($"Access to the path '{path}' is denied.");
    }

    private Node Existing(string path)
    {
        path = Normalize(path);
        if (_nodes.TryGetValue(path, out var node))
            return node;
        if (!_nodes.TryGetValue(Parent(path), out var parent) || parent.Content is not null)
            throw new DirectoryNotFoundException($"Could not find a part of the path '{path}'.");
        throw new FileNotFoundException($"Could not find file '{path}'.", path);
    }

    private IEnumerable<string> Children(string directory)
    {
        var prefix = directory == "/" ? "/" : directory + "/";
        return _nodes.Keys.Where(k => k.Length > prefix.Length && k.StartsWith(prefix, StringComparison.Ordinal)
            && k.IndexOf('/', prefix.Length) < 0);
    }

    private void Touch(string directory)
    {
        if (_nodes.TryGetValue(directory, out var node))
            node.ModifiedNs = node.ChangedNs = Tick();
    }

    private long Tick() => _nowNs += 100;

    private static string Normalize(string path)
    {
        if (!Path.IsPathFullyQualified(path))
            throw new ArgumentException($"not an absolute path: '{path}'", nameof(path));
        var full = Path.GetFullPath(path);
        return full.Length > 1 ? Path.TrimEndingDirectorySeparator(full) : full;
    }

    private static string Parent(string path) => Path.GetDirectoryName(path) ?? "/";

    private sealed class Node(byte[]? content, ulong inode, long now)
    {
        public byte[]? Content { get; set; } = content;
        public ulong Inode { get; } = inode;
        public long ModifiedNs { get; set; } = now;
        public long ChangedNs { get; set; } = now;
        public bool Executable { get; set; }
    }

    /// <summary>A lock handle: handles exclude each other as flocks on separate descriptors do; waiting waits for the
    /// holder's dispose (another thread of the test).</summary>
    private sealed class HeldLock(InMemoryCacheFileSystem fs, string path) : ICacheLock
    {
        private bool _disposed;

        public int TryLock()
        {
            lock (fs._gate)
            {
                ObjectDisposedException.ThrowIf(_disposed, this);
                if (fs._held.TryGetValue(path, out var holder) && !ReferenceEquals(holder, this))
                    return EWOULDBLOCK;
                fs._held[path] = this;
                return 0;
            }
        }

        public int Lock()
        {
            lock (fs._gate)
            {
                while (TryLock() != 0)
                    Monitor.Wait(fs._gate);
                return 0;
            }
        }

        public void WriteOwner(string record)
        {
            lock (fs._gate)
                fs.WriteBytes(path, Encoding.UTF8.GetBytes(record));
        }

        public void Dispose()
        {
            lock (fs._gate)
            {
                if (_disposed)
                    return;
                _disposed = true;
                if (fs._held.TryGetValue(path, out var holder) && ReferenceEquals(holder, this))
                    fs._held.Remove(path);
                Monitor.PulseAll(fs._gate);
            }
        }
    }

    /// <summary>A written stream whose bytes become the file's content when it is closed.</summary>
    private sealed class WriteBack(InMemoryCacheFileSystem fs, string path) : MemoryStream
    {
        protected override void Dispose(bool disposing)
        {
            if (disposing)
                fs.WriteBytes(path, ToArray());
            base.Dispose(disposing);
        }
    }
}
