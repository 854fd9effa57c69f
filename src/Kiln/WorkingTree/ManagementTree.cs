using Kiln.Paths;

namespace Kiln.WorkingTree;

/// <summary>
/// The management tree <c>.kiln/</c> of a working tree while a root context is active: the lock, the
/// temporary directory, the working-tree time probe and the run-database file.
/// </summary>
/// <remarks>
/// Layout of <c>.kiln/</c> (every entry but <c>u/</c> and <c>z</c> belongs to Kiln; do not edit while Kiln runs):
/// <list type="table">
/// <item><term><c>lock</c></term><description>lock file, <c>flock</c>ed by the running process, content: its pid</description></item>
/// <item><term><c>t/</c></term><description>temporaries of the run; emptied when a root context is entered, removed when it is left</description></item>
/// <item><term><c>o</c></term><description>probe file whose mtime after a one-byte write is the working-tree time</description></item>
/// <item><term><c>runs-&lt;N&gt;.sqlite</c></term><description>run-database (N is the schema version: the name is passed to <see cref="Enter"/> by the root context, from the run-database; see docs/run-database.md)</description></item>
/// <item><term><c>u/</c></term><description>user's: assemblies added to build scripts' references (never written by Kiln)</description></item>
/// <item><term><c>z</c></term><description>user's: never touched by Kiln (lets Git track <c>.kiln/</c>)</description></item>
/// </list>
/// </remarks>
internal sealed class ManagementTree : IDisposable
{
    public const string DirectoryName = ".kiln";
    private readonly IFileSystem _fs;
    private readonly IDisposable _lock;
    private readonly string _runDatabaseName;
    private long _nextTemporary;

    private ManagementTree(IFileSystem fs, string root, IDisposable processLock, string runDatabaseName)
    {
        _fs = fs;
        RootNative = root;
        _lock = processLock;
        _runDatabaseName = runDatabaseName;
    }

    /// <summary>Absolute native path of the working tree's root, ending in <c>/</c>.</summary>
    public string RootNative { get; }

    public string ManagementNative => RootNative + DirectoryName + "/";

    public string TemporaryNative => ManagementNative + "t/";

    // Without the trailing '/', so that lstat sees a file or symbolic link at 't' as what it is (with the '/',
    // a file is "missing" (ENOTDIR) and a link to a directory is followed).
    private string TemporaryObjectNative => ManagementNative + "t";

    public string ProbeNative => ManagementNative + "o";

    public string LockNative => ManagementNative + "lock";

    public string RunDatabaseNative => ManagementNative + _runDatabaseName;

    /// <summary>Whether entering removed the run-database of an older schema (every tool instance is redone once).</summary>
    public bool RemovedOlderRunDatabase { get; private set; }

    /// <summary>
    /// Enters the working tree at <paramref name="root"/>: checks the marker, takes the lock and repairs the
    /// management tree (temporary directory emptied, probe file recreated, a run-database path that is not a
    /// regular file removed, those of <paramref name="olderRunDatabaseNames"/> removed with their WAL and shared-memory
    /// files: never read again, as a schema change redoes every tool instance once). On failure nothing stays locked.
    /// </summary>
    /// <param name="fs">The file system.</param>
    /// <param name="root">The working tree's root.</param>
    /// <param name="runDatabaseName">The run-database's file name in <c>.kiln/</c> (the run-database's, which owns the schema version in it).</param>
    /// <param name="olderRunDatabaseNames">File names of the run-databases of older schemas.</param>
    /// <exception cref="NoWorkingTreeException"><paramref name="root"/> has no <c>.kiln/</c> directory.</exception>
    /// <exception cref="ManagementTreeException">The lock is held or the management tree cannot be repaired.</exception>
    public static ManagementTree Enter(IFileSystem fs, string root, string runDatabaseName, IReadOnlyList<string> olderRunDatabaseNames)
    {
        root = root.EndsWith('/') ? root : root + "/";
        var marker = fs.Lstat(root + DirectoryName);
        if (marker.Kind != FileKind.Directory)
        {
            throw new NoWorkingTreeException(
                $"current directory is no working tree: {TreePath.Quote(root)}\n" +
                $"  | reason: does not contain a directory '{DirectoryName}' (that is not a symbolic link)\n" +
                $"  | create it with 'kiln init' or 'mkdir {DirectoryName}'");
        }

        var lockPath = root + DirectoryName + "/lock";
        IDisposable? processLock;
        try
        {
            if (fs.Lstat(lockPath).Kind is FileKind.Directory or FileKind.SymbolicLink)
                fs.Delete(lockPath);
            processLock = fs.TryLock(lockPath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A read-only working tree fails here even when nothing is to be redone: every run writes '.kiln/' (the
            // lock, the run-database's record of the run, the working-tree time probe), as in dlb.
            throw new ManagementTreeException(
                $"cannot acquire lock for exclusive access to working tree {TreePath.Quote(root)}\n  | reason: {FirstLine(e.Message)}\n" +
                $"  | {WriteFailure.Advice(e, root + DirectoryName + "/")}" +
                (WriteFailure.IsReadOnlyFileSystem(e) ? "\n  | (kiln writes '.kiln/' in every run, even one with nothing to redo)" : ""), e);
        }
        if (processLock is null)
        {
            var holder = ProcessLock.ReadHolderPid(lockPath);
            var who = holder is null ? "another kiln process" : $"another kiln process (pid {holder})";
            throw new ManagementTreeException(
                $"cannot acquire lock for exclusive access to working tree {TreePath.Quote(root)}\n" +
                $"  | reason: {TreePath.Quote(lockPath)} is locked by {who}\n" +
                "  | wait for it to finish: the lock is released when that process ends, even if it is killed");
        }

        var tree = new ManagementTree(fs, root, processLock, runDatabaseName);
        try
        {
            fs.Delete(tree.TemporaryObjectNative);
            fs.CreateDirectory(tree.TemporaryNative);
            if (fs.Lstat(tree.ProbeNative).Kind != FileKind.RegularFile)
                fs.Delete(tree.ProbeNative);
            var database = fs.Lstat(tree.RunDatabaseNative);
            if (database.Exists && database.Kind != FileKind.RegularFile)
                fs.Delete(tree.RunDatabaseNative);
            foreach (var older in olderRunDatabaseNames)
            {
                if (!fs.Lstat(tree.ManagementNative + older).Exists)
                    continue;
                foreach (var suffix in (string[])["-wal", "-shm", ""])
                    fs.Delete(tree.ManagementNative + older + suffix);
                tree.RemovedOlderRunDatabase = true;
            }
            fs.TouchProbe(tree.ProbeNative);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            processLock.Dispose();
            throw new ManagementTreeException(
                $"failed to setup management tree for {TreePath.Quote(root)}\n  | reason: {FirstLine(e.Message)}\n" +
                $"  | {WriteFailure.Advice(e, tree.ManagementNative)}", e);
        }
        return tree;
    }

    /// <summary>The working-tree time: the mtime a file modified now would get.</summary>
    public long WorkingTreeTimeNs() => _fs.TouchProbe(ProbeNative);

    /// <summary>
    /// A new unique path <c>.kiln/t/&lt;name&gt;&lt;suffix&gt;</c>: names are <c>a</c>…<c>z</c>, then two characters and so on.
    /// </summary>
    public TreePath NewTemporaryPath(string suffix, bool isDirectory)
    {
        ArgumentNullException.ThrowIfNull(suffix);
        if (suffix.Length > 0 && (!char.IsPunctuation(suffix[0]) && !char.IsSymbol(suffix[0]) || suffix.Contains('/', StringComparison.Ordinal)))
            throw new ArgumentException($"non-empty 'suffix' must start with a punctuation character and not contain '/', not {TreePath.Quote(suffix)}", nameof(suffix));
        var n = Interlocked.Increment(ref _nextTemporary) - 1;
        var name = new System.Text.StringBuilder();
        const string first = "abcdefghijklmnopqrstuvwxyz";
        const string rest = "abcdefghijklmnopqrstuvwxyz0123456789";
        name.Append(first[(int)(n % 26)]);
        n /= 26;
        while (n > 0)
        {
            name.Append(rest[(int)(n % 36)]);
            n /= 36;
        }
        return TreePath.Parse($"{DirectoryName}/t/{name}{suffix}{(isDirectory ? "/" : "")}");
    }

    /// <summary>
    /// Blocks until the working-tree time differs from <paramref name="timeNs"/>, so that every later
    /// modification gets a different mtime than any made before (dlb's guarantee G-T2).
    /// </summary>
    /// <exception cref="ManagementTreeException">The time did not advance within <paramref name="limit"/>.</exception>
    public void WaitForWorkingTreeTimeToAdvance(long timeNs, TimeProvider time, TimeSpan limit)
    {
        ArgumentNullException.ThrowIfNull(time);
        var start = time.GetTimestamp();
        while (WorkingTreeTimeNs() == timeNs)
        {
            if (time.GetElapsedTime(start) > limit)
            {
                throw new ManagementTreeException(
                    $"failed to cleanup management tree for {TreePath.Quote(RootNative)}\n" +
                    $"  | reason: working tree time did not change for at least {limit.TotalSeconds:0} s of system time\n" +
                    "  | was the system time adjusted in this moment? does the file system update mtimes?");
            }
            Thread.Sleep(TimeSpan.FromMilliseconds(1));
        }
    }

    /// <summary>
    /// Waits until the working-tree time is later than <paramref name="timeNs"/> and returns it: from then on,
    /// every modification gets a later mtime than <paramref name="timeNs"/>.
    /// </summary>
    /// <exception cref="ManagementTreeException">The time did not pass <paramref name="timeNs"/> within <paramref name="limit"/>.</exception>
    public async Task<long> WaitForWorkingTreeTimeToPassAsync(long timeNs, TimeProvider time, TimeSpan limit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(time);
        var start = time.GetTimestamp();
        long now;
        while ((now = WorkingTreeTimeNs()) <= timeNs)
        {
            if (time.GetElapsedTime(start) > limit)
            {
                throw new ManagementTreeException(
                    $"working tree time of {TreePath.Quote(RootNative)} did not pass the mtime of an input dependency\n" +
                    $"  | reason: working tree time did not change for at least {limit.TotalSeconds:0} s of system time\n" +
                    "  | was the system time adjusted in this moment? does the file system update mtimes?");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(1), cancellationToken).ConfigureAwait(false);
        }
        return now;
    }

    /// <summary>Removes the temporaries and releases the lock.</summary>
    public void Dispose()
    {
        try
        {
            _fs.Delete(TemporaryObjectNative);
        }
        catch (IOException)
        {
            // Leftover temporaries are removed at the next entry; the lock must be released regardless.
        }
        finally
        {
            _lock.Dispose();
        }
    }

    internal static string FirstLine(string text) => Kiln.Platform.Text.Lines.FirstLine(text);
}
