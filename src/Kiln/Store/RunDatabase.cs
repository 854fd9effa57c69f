using Kiln.Paths;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Kiln.Store;

/// <summary>
/// The run-database: per tool instance, the state of every input at its last successful redo; summaries of
/// the latest runs; the redos of each run with their reasons.
/// </summary>
/// <remarks>
/// <para>
/// Why SQLite: one file, atomic transactions, crash-safe (a killed run loses at most its uncommitted redos,
/// which are then redone), indexed prefix queries for "every input under this output", and a maintained
/// library (Microsoft.Data.Sqlite) — the choice dlb made for the same reasons. WAL journal with
/// <c>synchronous=NORMAL</c>, kept when closing (checkpointed and truncated only when over 1 MiB); one transaction
/// per run, committed at the end (and every 2000 stores), so the cost of an up-to-date tool instance is one
/// prepared statement.
/// </para>
/// <para>
/// Format: the schema is written once, as <see cref="Schema"/> (with a comment per column), version
/// <see cref="SchemaVersion"/> in <c>Meta('schema')</c> and in the file name <see cref="FileName"/>;
/// docs/run-database.md shows the same DDL (a test keeps the two equal) and explains it.
/// Encodings: <c>path</c> is the managed-tree path's canonical string with a <c>/</c> appended if missing
/// (<c>a/b</c> → <c>a/b/</c>, <c>a/b/</c> → <c>a/b/</c>), so "every path under output o" is the index range
/// [<c>o/</c>, <c>o0</c>) ('0' follows '/'). <c>memo</c> is <see cref="FileMemo.Encode"/>.
/// Output ownership: before a redo runs, it claims its explicit outputs (<see cref="ClaimOutputs"/>); the previous
/// writer of each, if another instance, gets <c>overwritten_output</c> set (committed before the redo can write), so
/// its trace no longer counts as up to date when it is started again (an option changed and changed back).
/// Forgetting: at open, runs older than the dependency age are deleted, and with them the traces last written
/// by them, so every tool instance is redone at least once per dependency age (the cascade runs only when a run
/// was deleted).
/// </para>
/// <para>
/// Aspect files: this one (format, open, errors, transactions), <c>RunDatabase.Instances.cs</c> (what a start and a
/// redo read and write), <c>RunDatabase.Runs.cs</c> (the record of runs and redos), <c>RunDatabase.Readers.cs</c>
/// (read-only access for <c>kiln explain</c> and <c>kiln clean</c>).
/// </para>
/// </remarks>
internal sealed partial class RunDatabase : IDisposable
{
    /// <summary>The schema version: in <c>Meta('schema')</c> and in <see cref="FileName"/>; a change of the schema increments it.</summary>
    public const int SchemaVersion = 2;

    /// <summary>
    /// The schema. Every table and column is commented here, and docs/run-database.md shows exactly this text.
    /// </summary>
    public const string Schema =
        """
        CREATE TABLE Meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);        -- one row: ('schema', the schema version)
        CREATE TABLE Run(run_id INTEGER PRIMARY KEY,
            start_ns INTEGER NOT NULL,      -- start: nanoseconds since the Unix epoch, UTC
            duration_ns INTEGER,            -- NULL while running, or when the run failed (left by an exception, interrupted)
            instance_count INTEGER,         -- tool instances started; NULL as duration_ns
            redo_count INTEGER,             -- redos performed; NULL as duration_ns
            started_instances BLOB);        -- latest successful run only: the tool_inst_ids it started, sorted, 8 bytes LE each
        CREATE TABLE ToolInst(tool_inst_id INTEGER PRIMARY KEY,
            tool_key TEXT NOT NULL,         -- ToolIdentity.Key '|kiln <version> on .NET <major.minor>' (decision 0005)
            fingerprint BLOB NOT NULL,      -- SHA-256 of explicit dependencies and execution parameters
            dependency_fingerprint BLOB NOT NULL,   -- SHA-256 of explicit dependencies only
            UNIQUE(tool_key, fingerprint));
        CREATE INDEX ToolInst_dependency ON ToolInst(tool_key, dependency_fingerprint);
        CREATE TABLE RedoState(tool_inst_id INTEGER PRIMARY KEY,    -- present iff a successful redo is known
            redo_requested INTEGER NOT NULL,    -- 1 iff that redo returned true ("redo me next run")
            env_digest BLOB NOT NULL,           -- digest of the environment-variable values it used (empty: none)
            definition_digest BLOB NOT NULL,    -- digest of the tool's definition then
            run_id INTEGER NOT NULL,            -- run that wrote this trace
            overwritten_output TEXT);           -- NULL, or an explicit output another instance has written since
        CREATE TABLE OutputWriter(path TEXT PRIMARY KEY,   -- encoded as Input.path
            tool_inst_id INTEGER NOT NULL) WITHOUT ROWID;  -- instance whose redo last wrote (or is writing) this output
        CREATE TABLE Input(tool_inst_id INTEGER NOT NULL,
            path TEXT NOT NULL,             -- encoded managed-tree path (below)
            is_explicit INTEGER NOT NULL,   -- 0/1
            memo BLOB,                      -- state before the last redo; NULL = new, or potentially changed by a redo
            run_id INTEGER NOT NULL,
            PRIMARY KEY(tool_inst_id, path)) WITHOUT ROWID;
        CREATE INDEX Input_path ON Input(path);
        CREATE TABLE Redo(run_id INTEGER NOT NULL, tool_inst_id INTEGER NOT NULL,
            tool TEXT NOT NULL,             -- ClassName(Role='value', …) of the instance
            reason TEXT NOT NULL,           -- the printed reason, e.g. "redo necessary because not run before"
            start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL);   -- ns since the run's start: from when the redo ran to when it was recorded
        CREATE INDEX Redo_run ON Redo(run_id);
        """;

    /// <summary>The file name in the management tree: the schema version is part of it, so an older Kiln's file is never opened.</summary>
    public static string FileName { get; } = NameOf(SchemaVersion);

    /// <summary>The file names of the older schemas (removed when a working tree is entered: never read again).</summary>
    public static IReadOnlyList<string> OlderFileNames { get; } = [.. Enumerable.Range(1, SchemaVersion - 1).Select(NameOf)];

    private const int CommitEvery = 2000;
    private const int NoCheckpointOnClose = 1006; // SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE
    private const long CheckpointWalBytes = 1 << 20;
    private const int BusyTimeoutSeconds = 2;

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private SqliteTransaction? _transaction;
    private int _uncommitted;
    private bool _disposed;
    private readonly Dictionary<string, SqliteCommand> _commands = new(StringComparer.Ordinal);
    private sqlite3_stmt? _lookUp;

    private RunDatabase(SqliteConnection connection, string path)
    {
        _connection = connection;
        Path = path;
    }

    /// <summary>The database file.</summary>
    public string Path { get; }

    /// <summary>The id of the current run.</summary>
    public long RunId { get; private set; }

    private static string NameOf(int schemaVersion) => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"runs-{schemaVersion}.sqlite");

    /// <summary>
    /// Opens (creating if needed) the database, forgets runs started before <paramref name="forgetBeforeNs"/>,
    /// and registers a new run started at <paramref name="startNs"/>.
    /// </summary>
    /// <exception cref="RunDatabaseException">Corrupt, of another schema, or not accessible; the message names the file and how to reset it.</exception>
    public static RunDatabase Open(string path, long startNs, long forgetBeforeNs)
    {
        SqliteConnection? connection = null;
        try
        {
            // Busy timeout: .kiln/lock keeps every other kiln run away, so a lock held on the database is a foreign
            // program's (an 'sqlite3' shell, a backup). SQLite's default of 30 s only delays the error for a lock
            // held that long; 2 s still rides out a short one (a query, a checkpoint by a reader such as 'kiln explain').
            connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false, DefaultTimeout = BusyTimeoutSeconds }.ToString());
            connection.Open();
            // Closing leaves the WAL for the next run instead of checkpointing it (a few fsyncs: most of a no-op
            // run's fixed cost); SQLite still checkpoints when a commit finds the WAL over 1000 pages.
            raw.sqlite3_db_config(connection.Handle, NoCheckpointOnClose, 1, out _);
            var db = new RunDatabase(connection, path);
            db.Execute("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=OFF; PRAGMA temp_store=MEMORY;");
            // The schema is created inside the run's transaction: created statement by statement in autocommit
            // mode, a run killed while creating it left a Meta table without its 'schema' row (or without the
            // other tables), which every later run refused as "unknown schema version ''".
            db._transaction = connection.BeginTransaction();
            db.Migrate();
            db.Forget(forgetBeforeNs);
            db.RunId = db.Scalar<long>("INSERT INTO Run(start_ns) VALUES ($s) RETURNING run_id", ("$s", startNs));
            return db;
        }
        catch (SqliteException e)
        {
            connection?.Dispose();
            throw Failure("setup", e, path);
        }
    }

    /// <summary>
    /// The one mapping of SQLite's failures to errors: "could not setup/write/read run-database …" with SQLite's reason
    /// and what to do. For the run's own connection (setup, write) the advice depends on the result code: removing the
    /// file helps against corruption, but is wrong advice for a full disk, a file that is not writable, or a database
    /// locked by another program. A reader beside the engine (read) writes nothing, so only damage can stop it.
    /// </summary>
    private static RunDatabaseException Failure(string action, SqliteException e, string path)
    {
        var advice = action == "read"
            ? $"if you suspect database corruption, remove the run-database file(s): rm -f '{path}'*"
            : (e.SqliteErrorCode & 0xFF) switch
            {
                raw.SQLITE_FULL =>
                    "the file system is full: free space on it and run again (what this run did not record is redone; outputs already built are kept)",
                raw.SQLITE_READONLY or raw.SQLITE_PERM or raw.SQLITE_CANTOPEN =>
                    $"it cannot be written: make it, its '-wal' and '-shm' files and {TreePath.Quote(System.IO.Path.GetDirectoryName(path) + "/")} writable for this user (e.g. 'chmod u+w') and run again",
                raw.SQLITE_BUSY or raw.SQLITE_LOCKED =>
                    "it is locked by another program, not by a kiln run (which would hold '.kiln/lock'): close that program " +
                    "(e.g. an 'sqlite3' shell with an open transaction) and run again",
                _ => $"if you suspect database corruption, remove the run-database file(s) (nothing but redos is lost): rm -f '{path}'*",
            };
        return new RunDatabaseException($"could not {action} run-database {TreePath.Quote(path)}\n  | reason: {e.Message}\n  | {advice}", e);
    }

    /// <summary>
    /// Every statement on the run's connection after <see cref="Open"/> runs through here: under the gate (redos record
    /// from several threads), with a failure of SQLite mapped by <see cref="Failure"/>. The body is a static lambda over
    /// a value-tuple state, so that the no-op path (<see cref="LookUpInstance"/>) allocates no closure.
    /// </summary>
    /// <exception cref="RunDatabaseException">SQLite failed ("could not write run-database …").</exception>
    private TResult Locked<TState, TResult>(TState state, Func<RunDatabase, TState, TResult> body)
    {
        try
        {
            lock (_gate)
                return body(this, state);
        }
        catch (SqliteException e)
        {
            throw Failure("write", e, Path);
        }
    }

    /// <inheritdoc cref="Locked{TState, TResult}"/>
    private void Locked<TState>(TState state, Action<RunDatabase, TState> body) =>
        Locked((Body: body, State: state), static (db, s) =>
        {
            s.Body(db, s.State);
            return 0;
        });

    private void Migrate()
    {
        var hasMeta = Scalar<long>("SELECT count(*) FROM sqlite_master WHERE type='table' AND name='Meta'") > 0;
        if (hasMeta)
        {
            var version = Scalar<string>("SELECT value FROM Meta WHERE key='schema'");
            if (version != SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture))
                throw new SqliteException($"unknown schema version '{version}' (this Kiln knows version {SchemaVersion})", 0);
            return;
        }
        if (Scalar<long>("SELECT count(*) FROM sqlite_master") > 0)
            throw new SqliteException("not a Kiln run-database (unknown tables)", 0);
        Execute(Schema);
        Execute("INSERT INTO Meta VALUES ('schema', $v)", ("$v", SchemaVersion.ToString(System.Globalization.CultureInfo.InvariantCulture)));
    }

    private void Forget(long forgetBeforeNs)
    {
        // Rows lose their run only when runs are deleted, and the cascade scans whole tables (milliseconds for
        // 10 000 instances): it runs only when a run was forgotten. Instances registered without a successful redo
        // stay until then (harmless: found again by their key).
        if (Execute("DELETE FROM Run WHERE start_ns < $t", ("$t", forgetBeforeNs)) == 0)
            return;
        Execute(
            """
            DELETE FROM Redo WHERE run_id NOT IN (SELECT run_id FROM Run);
            DELETE FROM Input WHERE tool_inst_id IN (SELECT tool_inst_id FROM RedoState WHERE run_id NOT IN (SELECT run_id FROM Run));
            DELETE FROM RedoState WHERE run_id NOT IN (SELECT run_id FROM Run);
            DELETE FROM ToolInst WHERE tool_inst_id NOT IN (SELECT tool_inst_id FROM RedoState);
            DELETE FROM OutputWriter WHERE tool_inst_id NOT IN (SELECT tool_inst_id FROM ToolInst);
            """);
    }

    /// <summary>Encodes a managed-tree path for the <c>path</c> column.</summary>
    public static string EncodePath(TreePath path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var s = path.Parts.Count == 0 ? "" : path.AsString();
        return s.EndsWith('/') || s.Length == 0 ? s : s + "/";
    }

    /// <summary>Decodes the <c>path</c> column as a non-directory path, or null when malformed.</summary>
    public static TreePath? DecodePath(string encoded)
    {
        ArgumentNullException.ThrowIfNull(encoded);
        if (encoded.Length < 2 || !encoded.EndsWith('/') || encoded.StartsWith('/') ||
            encoded.Contains("//", StringComparison.Ordinal) || encoded.Contains('\0', StringComparison.Ordinal))
            return null;
        var last = encoded[(encoded.LastIndexOf('/', encoded.Length - 2) + 1)..^1];
        if (last is "." or "..")
            return null; // not a path of a non-directory: Parse would throw
        var p = TreePath.Parse(encoded[..^1], isDirectory: false);
        return p.IsNormalized && p.AsString() == encoded[..^1] ? p : null;
    }

    /// <summary>Commits the run's transaction and starts a new one.</summary>
    /// <exception cref="RunDatabaseException">SQLite failed.</exception>
    public void Commit() => Locked(0, static (db, _) => db.CommitLocked());

    private void CommitLocked()
    {
        _transaction?.Commit();
        _transaction?.Dispose();
        foreach (var command in _commands.Values)
            command.Transaction = null;
        _transaction = _connection.BeginTransaction();
        foreach (var command in _commands.Values)
            command.Transaction = _transaction;
        _uncommitted = 0;
    }

    private void CommitIfOverdue(int operations)
    {
        _uncommitted += operations;
        if (_uncommitted > CommitEvery)
            CommitLocked();
    }

    /// <summary>Closes the database; uncommitted changes are lost (call <see cref="Commit"/> first).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            // Twice when the root context closes it early (before writing its configuration record), then as always.
            if (_disposed)
                return;
            _disposed = true;
            foreach (var command in _commands.Values)
                command.Dispose();
            _commands.Clear();
            _lookUp?.Dispose();
            _lookUp = null;
            _transaction?.Dispose();
            _transaction = null;
            CheckpointIfLarge();
            _connection.Dispose();
        }
    }

    /// <summary>
    /// Closing does not checkpoint (see <see cref="Open"/>), and the next open reads the whole WAL to rebuild its
    /// index: a WAL over <see cref="CheckpointWalBytes"/> is checkpointed and truncated here, so a run that wrote
    /// much pays the checkpoint, and a no-op run only every few hundred runs.
    /// </summary>
    private void CheckpointIfLarge()
    {
        try
        {
            var wal = new FileInfo(Path + "-wal");
            if (wal.Exists && wal.Length > CheckpointWalBytes)
                Execute("PRAGMA wal_checkpoint(TRUNCATE)");
        }
        catch (Exception e) when (e is SqliteException or IOException or UnauthorizedAccessException)
        {
            // Only a cost: the next open reads a longer WAL.
        }
    }

    private SqliteCommand Prepared(string sql, params (string Name, object Value)[] parameters)
    {
        if (!_commands.TryGetValue(sql, out var command))
        {
            command = _connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = _transaction;
            foreach (var (name, value) in parameters)
                command.Parameters.AddWithValue(name, value);
            command.Prepare();
            _commands[sql] = command;
            return command;
        }
        foreach (var (name, value) in parameters)
            command.Parameters[name].Value = value;
        return command;
    }

    private int Execute(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return command.ExecuteNonQuery();
    }

    private T Scalar<T>(string sql, params (string Name, object Value)[] parameters)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = _transaction;
        foreach (var (name, value) in parameters)
            command.Parameters.AddWithValue(name, value);
        return (T)command.ExecuteScalar()!;
    }
}
