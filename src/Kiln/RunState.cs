using System.Collections.Concurrent;
using Kiln.Scheduling;
using Kiln.Store;
using Kiln.WorkingTree;

namespace Kiln;

/// <summary>What a root context holds for the whole run: the management tree, the run-database, the seams.</summary>
// CA1001: the interruption source has no timer and no linked parent, so disposing it would free nothing; it is never
// disposed, so that a late Cancel from the signal handler's thread cannot throw ObjectDisposedException.
#pragma warning disable CA1001
internal sealed class RunState(IFileSystem fs, ManagementTree tree, RunDatabase database, Configuration configuration, IProcessRunner processRunner, long startTimestamp)
{
    public IFileSystem FileSystem { get; } = fs;

    public ManagementTree Tree { get; } = tree;

    public RunDatabase Database { get; } = database;

    public Configuration Configuration { get; } = configuration;

    public IProcessRunner ProcessRunner { get; } = processRunner;

    public long StartTimestamp { get; } = startTimestamp;

    /// <summary>Start of the run, nanoseconds since the Unix epoch (UTC), as recorded in the run-database.</summary>
    public long StartNs { get; init; }

    /// <summary>The action cache of the run (null: off, or not a real file system).</summary>
    public Caching.ActionCache? ActionCache { get; init; }

    /// <summary>Content digests (hex SHA-256) of files hashed for action-cache keys in this run, by native path and stat.</summary>
    public ConcurrentDictionary<(string Native, long Size, long MtimeNs), string> ContentDigests { get; } = new();

    public int InstanceCount;

    public int RedoCount;

    /// <summary>Starts that decided a redo is needed (whether it then ran, failed, or was never started).</summary>
    public int RedosDue;

    public int RedosStarted;

    /// <summary>Tool instances of the previous successful run (null: none), read once, when the first redo reports progress.</summary>
    public int? PreviousInstanceCount => _previousInstanceCount.Value;

    private readonly Lazy<int?> _previousInstanceCount = new(() => database.LatestRuns(1) is [var last] ? last.ToolInstanceCount : null);

    /// <summary>The first redo of the run that failed (not interrupted); once set, no further redo is started unless <see cref="Configuration.KeepGoing"/>.</summary>
    public Exception? FirstRedoFailure;

    public int RedosCompleted;

    /// <summary>
    /// Set by <c>kiln</c> when the script failed in a way the root context cannot see when it is left (the script
    /// ended with it still open): the run is then recorded as failed.
    /// </summary>
    public bool Failed;

    private readonly CancellationTokenSource _interruption = new();

    /// <summary>
    /// Cancelled when the run is interrupted (kiln got SIGINT or SIGTERM): no redo starts after it, helpers are killed,
    /// starts throw; the redos that completed are committed when the root context is left.
    /// </summary>
    public CancellationToken Interruption => _interruption.Token;

    public bool IsInterrupted => _interruption.IsCancellationRequested;

    public void Interrupt() => _interruption.Cancel();

    /// <exception cref="OperationCanceledException">The run is interrupted.</exception>
    public void ThrowIfInterrupted()
    {
        if (IsInterrupted)
            throw RedoScheduler.Interrupted(Interruption);
    }

    /// <summary>The innermost context of this run not yet left (null once the root is left).</summary>
    public Context? Innermost { get; set; }

    /// <summary>Compilation database and redo trace of this run.</summary>
    public RunRecords Records { get; } = new();

    /// <summary>Pending redos by tool-instance id: a second start of the same instance waits for the first.</summary>
    public ConcurrentDictionary<long, Task> PendingByInstance { get; } = new();

    /// <summary>Ids of the tool instances started in this run (counted ones), for the record of the run.</summary>
    public ConcurrentQueue<long> StartedInstances { get; } = new();

    /// <summary>Explicit outputs of the redos started in this run, with the tool instance that writes them (for the error of an input started too early).</summary>
    public ConcurrentDictionary<Paths.TreePath, string> OutputsOfStartedRedos { get; } = new();

    /// <summary>Definition digests by file, computed once per run.</summary>
    public ConcurrentDictionary<string, byte[]> DefinitionDigests { get; } = new(StringComparer.Ordinal);

    /// <summary>Tool identities and run-database tool keys by tool class, computed once per run (not per start).</summary>
    public ConcurrentDictionary<Type, (Tools.ToolIdentity Identity, string ToolKey)> Identities { get; } = new();

    /// <summary>Environment variables of this process when the run started.</summary>
    public IReadOnlyDictionary<string, string> ProcessEnvironment { get; } = ReadProcessEnvironment();

    /// <summary>Existing directories of PATH when the run started, in order, without duplicates.</summary>
    public IReadOnlyList<string> ExecutableSearchPath { get; } = ReadSearchPath();

    public long ElapsedNs => (long)(Configuration.Time.GetElapsedTime(StartTimestamp).Ticks * 100);

    internal static Dictionary<string, string> ReadProcessEnvironment()
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (System.Collections.DictionaryEntry e in Environment.GetEnvironmentVariables())
            result[(string)e.Key] = (string?)e.Value ?? "";
        return result;
    }

    private static List<string> ReadSearchPath()
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<string>();
        foreach (var dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var full = Path.GetFullPath(dir);
            if (Directory.Exists(full) && seen.Add(full))
                result.Add(full);
        }
        return result;
    }
}
#pragma warning restore CA1001
