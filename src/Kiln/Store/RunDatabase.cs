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
/// <para>Schema version 2 (file <c>.kiln/runs-2.sqlite</c>; see also docs/run-database.md):</para>
/// <code>
/// Meta(key TEXT PRIMARY KEY, value TEXT)            -- ('schema', '2')
/// Run(run_id INTEGER PRIMARY KEY, start_ns INTEGER, -- start: ns since the Unix epoch, UTC
///     duration_ns INTEGER, instance_count INTEGER, redo_count INTEGER,   -- NULL while running or failed
///     started_instances BLOB)        -- latest successful run only: its tool_inst_ids, sorted, 8 bytes little-endian each
/// ToolInst(tool_inst_id INTEGER PRIMARY KEY,
///     tool_key TEXT,                 -- ToolIdentity.Key (decision 0005) + '|' + platform id
///     fingerprint BLOB,              -- SHA-256 of explicit dependencies and execution parameters
///     dependency_fingerprint BLOB,   -- SHA-256 of explicit dependencies only
///     UNIQUE(tool_key, fingerprint))
/// RedoState(tool_inst_id INTEGER PRIMARY KEY, redo_requested INTEGER, env_digest BLOB,
///     definition_digest BLOB, run_id INTEGER,       -- present iff a successful redo is known
///     overwritten_output TEXT)       -- NULL, or an explicit output (TreePath text) another instance has since written
/// OutputWriter(path TEXT PRIMARY KEY,               -- encoded as Input.path
///     tool_inst_id INTEGER)          -- the instance whose redo last wrote (or is writing) this explicit output
/// Input(tool_inst_id INTEGER, path TEXT, is_explicit INTEGER, memo BLOB, run_id INTEGER,
///     PRIMARY KEY(tool_inst_id, path))              -- memo NULL = new, or potentially changed by a redo
/// Redo(run_id INTEGER, tool_inst_id INTEGER, tool TEXT, reason TEXT, start_ns INTEGER, duration_ns INTEGER)
/// </code>
/// <para>
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
/// </remarks>
internal sealed class RunDatabase : IDisposable
{
    public const int SchemaVersion = 2;

    /// <summary>The file name in the management tree: the schema version is part of it, so an older Kiln's file is never opened.</summary>
    public const string FileName = "runs-2.sqlite";
    private const int CommitEvery = 2000;
    private const int NoCheckpointOnClose = 1006; // SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE
    private const long CheckpointWalBytes = 1 << 20;
    private const int BusyTimeoutSeconds = 2;

    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private SqliteTransaction? _transaction;
    private int _uncommitted;
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

    private RunDatabaseException Failure(string action, SqliteException e) => Failure(action, e, Path);

    /// <summary>
    /// "could not setup/write run-database …" with SQLite's reason and what to do, which depends on the result code:
    /// removing the file helps against corruption, but is wrong advice for a full disk, a file that is not writable,
    /// or a database locked by another program.
    /// </summary>
    private static RunDatabaseException Failure(string action, SqliteException e, string path)
    {
        var advice = (e.SqliteErrorCode & 0xFF) switch
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
        Execute(
            """
            CREATE TABLE Meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
            CREATE TABLE Run(run_id INTEGER PRIMARY KEY, start_ns INTEGER NOT NULL, duration_ns INTEGER,
                instance_count INTEGER, redo_count INTEGER, started_instances BLOB);
            CREATE TABLE ToolInst(tool_inst_id INTEGER PRIMARY KEY, tool_key TEXT NOT NULL, fingerprint BLOB NOT NULL,
                dependency_fingerprint BLOB NOT NULL, UNIQUE(tool_key, fingerprint));
            CREATE INDEX ToolInst_dependency ON ToolInst(tool_key, dependency_fingerprint);
            CREATE TABLE RedoState(tool_inst_id INTEGER PRIMARY KEY, redo_requested INTEGER NOT NULL,
                env_digest BLOB NOT NULL, definition_digest BLOB NOT NULL, run_id INTEGER NOT NULL, overwritten_output TEXT);
            CREATE TABLE OutputWriter(path TEXT PRIMARY KEY, tool_inst_id INTEGER NOT NULL) WITHOUT ROWID;
            CREATE TABLE Input(tool_inst_id INTEGER NOT NULL, path TEXT NOT NULL, is_explicit INTEGER NOT NULL,
                memo BLOB, run_id INTEGER NOT NULL, PRIMARY KEY(tool_inst_id, path)) WITHOUT ROWID;
            CREATE INDEX Input_path ON Input(path);
            CREATE TABLE Redo(run_id INTEGER NOT NULL, tool_inst_id INTEGER NOT NULL, tool TEXT NOT NULL,
                reason TEXT NOT NULL, start_ns INTEGER NOT NULL, duration_ns INTEGER NOT NULL);
            CREATE INDEX Redo_run ON Redo(run_id);
            INSERT INTO Meta VALUES ('schema', '2');
            """);
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

    /// <summary>The id of the tool instance, registering it when new.</summary>
    public long GetOrRegisterInstance(string toolKey, byte[] fingerprint, byte[] dependencyFingerprint)
    {
        lock (_gate)
        {
            var id = Prepared("SELECT tool_inst_id FROM ToolInst WHERE tool_key=$k AND fingerprint=$f", ("$k", toolKey), ("$f", fingerprint)).ExecuteScalar();
            if (id is long existing)
                return existing;
            return (long)Prepared("INSERT INTO ToolInst(tool_key, fingerprint, dependency_fingerprint) VALUES ($k, $f, $d) RETURNING tool_inst_id",
                ("$k", toolKey), ("$f", fingerprint), ("$d", dependencyFingerprint)).ExecuteScalar()!;
        }
    }

    /// <summary>
    /// <see cref="GetOrRegisterInstance"/> and <see cref="LoadTrace"/> in one statement (the no-op path of a start):
    /// the id of the tool instance, registering it when new, and the trace of its last successful redo or null.
    /// </summary>
    public (long InstanceId, Trace? Trace) LookUpInstance(string toolKey, byte[] fingerprint, byte[] dependencyFingerprint)
    {
        try
        {
            lock (_gate)
            {
                // Straight through SQLitePCL (a statement prepared once, bound and stepped): the ADO.NET command and
                // reader cost more than the query itself on this path, which every start of an up-to-date instance takes.
                var db = _connection.Handle!;
                if (_lookUp is null)
                {
                    Check(raw.sqlite3_prepare_v3(db,
                        "SELECT t.tool_inst_id, s.redo_requested, s.env_digest, s.definition_digest, s.overwritten_output, i.path, i.is_explicit, i.memo " +
                        "FROM ToolInst t LEFT JOIN RedoState s ON s.tool_inst_id=t.tool_inst_id LEFT JOIN Input i ON i.tool_inst_id=s.tool_inst_id " +
                        "WHERE t.tool_key=?1 AND t.fingerprint=?2", raw.SQLITE_PREPARE_PERSISTENT, out var statement, out _));
                    _lookUp = statement;
                }
                var lookUp = _lookUp;
                try
                {
                    Check(raw.sqlite3_bind_text(lookUp, 1, toolKey));
                    Check(raw.sqlite3_bind_blob(lookUp, 2, fingerprint));
                    var rc = raw.sqlite3_step(lookUp);
                    if (rc == raw.SQLITE_ROW)
                    {
                        var id = raw.sqlite3_column_int64(lookUp, 0);
                        if (raw.sqlite3_column_type(lookUp, 1) == raw.SQLITE_NULL)
                            return (id, null);
                        var requested = raw.sqlite3_column_int64(lookUp, 1) != 0;
                        var env = raw.sqlite3_column_blob(lookUp, 2).ToArray();
                        var definition = raw.sqlite3_column_blob(lookUp, 3).ToArray();
                        var overwritten = raw.sqlite3_column_type(lookUp, 4) == raw.SQLITE_NULL ? null : raw.sqlite3_column_text(lookUp, 4).utf8_to_string();
                        var inputs = new List<TracedInput>();
                        for (; rc == raw.SQLITE_ROW; rc = raw.sqlite3_step(lookUp))
                        {
                            if (raw.sqlite3_column_type(lookUp, 5) == raw.SQLITE_NULL)
                                continue;
                            inputs.Add(new TracedInput(
                                raw.sqlite3_column_text(lookUp, 5).utf8_to_string(),
                                raw.sqlite3_column_int64(lookUp, 6) != 0,
                                raw.sqlite3_column_type(lookUp, 7) == raw.SQLITE_NULL ? null : raw.sqlite3_column_blob(lookUp, 7).ToArray()));
                        }
                        if (rc != raw.SQLITE_DONE)
                            Check(rc);
                        return (id, new Trace(requested, env, definition, inputs) { OverwrittenOutput = overwritten });
                    }
                    if (rc != raw.SQLITE_DONE)
                        Check(rc);
                }
                finally
                {
                    raw.sqlite3_reset(lookUp);
                }
                return ((long)Prepared("INSERT INTO ToolInst(tool_key, fingerprint, dependency_fingerprint) VALUES ($k, $f, $d) RETURNING tool_inst_id",
                    ("$k", toolKey), ("$f", fingerprint), ("$d", dependencyFingerprint)).ExecuteScalar()!, null);
            }
        }
        catch (SqliteException e)
        {
            throw Failure("write", e);
        }
    }

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
    }

    /// <summary>Whether another instance with the same tool and explicit dependencies (but other parameters) has a known redo.</summary>
    public bool HasSiblingWithOtherParameters(string toolKey, byte[] dependencyFingerprint, long instanceId)
    {
        lock (_gate)
        {
            return Prepared(
                "SELECT 1 FROM ToolInst JOIN RedoState USING (tool_inst_id) WHERE tool_key=$k AND dependency_fingerprint=$d AND tool_inst_id<>$i LIMIT 1",
                ("$k", toolKey), ("$d", dependencyFingerprint), ("$i", instanceId)).ExecuteScalar() is not null;
        }
    }

    /// <summary>The trace of the last successful redo, or null when none is known.</summary>
    public Trace? LoadTrace(long instanceId)
    {
        lock (_gate)
        {
            bool requested;
            byte[] env, definition;
            string? overwritten;
            using (var reader = Prepared("SELECT redo_requested, env_digest, definition_digest, overwritten_output FROM RedoState WHERE tool_inst_id=$i", ("$i", instanceId)).ExecuteReader())
            {
                if (!reader.Read())
                    return null;
                requested = reader.GetInt64(0) != 0;
                env = (byte[])reader.GetValue(1);
                definition = (byte[])reader.GetValue(2);
                overwritten = reader.IsDBNull(3) ? null : reader.GetString(3);
            }
            var inputs = new List<TracedInput>();
            using (var reader = Prepared("SELECT path, is_explicit, memo FROM Input WHERE tool_inst_id=$i", ("$i", instanceId)).ExecuteReader())
            {
                while (reader.Read())
                    inputs.Add(new TracedInput(reader.GetString(0), reader.GetInt64(1) != 0, reader.IsDBNull(2) ? null : (byte[])reader.GetValue(2)));
            }
            return new Trace(requested, env, definition, inputs) { OverwrittenOutput = overwritten };
        }
    }

    /// <summary>
    /// Stores the trace of a successful redo (replacing the previous one), then marks every stored input
    /// of every instance that lies under one of <paramref name="modifiedOutputs"/> as potentially changed.
    /// </summary>
    public void StoreTrace(long instanceId, Trace trace, IEnumerable<TreePath> modifiedOutputs)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(modifiedOutputs);
        try
        {
            lock (_gate)
            {
                Prepared("DELETE FROM Input WHERE tool_inst_id=$i", ("$i", instanceId)).ExecuteNonQuery();
                var insert = Prepared("INSERT OR REPLACE INTO Input VALUES ($i, $p, $e, $m, $r)", ("$i", instanceId), ("$p", ""), ("$e", 0), ("$m", DBNull.Value), ("$r", RunId));
                foreach (var input in trace.Inputs)
                {
                    insert.Parameters["$p"].Value = input.EncodedPath;
                    insert.Parameters["$e"].Value = input.IsExplicit ? 1 : 0;
                    insert.Parameters["$m"].Value = (object?)input.Memo ?? DBNull.Value;
                    insert.ExecuteNonQuery();
                }
                Prepared("INSERT OR REPLACE INTO RedoState VALUES ($i, $q, $e, $d, $r, NULL)",
                    ("$i", instanceId), ("$q", trace.RedoRequested ? 1 : 0), ("$e", trace.EnvironmentDigest), ("$d", trace.DefinitionDigest), ("$r", RunId)).ExecuteNonQuery();
                var invalidate = Prepared("UPDATE Input SET memo=NULL WHERE path >= $lo AND path < $hi AND memo IS NOT NULL", ("$lo", ""), ("$hi", ""));
                foreach (var output in modifiedOutputs)
                {
                    var lo = EncodePath(output);
                    invalidate.Parameters["$lo"].Value = lo;
                    invalidate.Parameters["$hi"].Value = lo[..^1] + "0";
                    invalidate.ExecuteNonQuery();
                }
                CommitIfOverdue(trace.Inputs.Count + 2);
            }
        }
        catch (SqliteException e)
        {
            throw Failure("write", e);
        }
    }

    /// <summary>
    /// Makes <paramref name="instanceId"/> the writer of each of its explicit <paramref name="outputs"/>, before its redo
    /// runs. A previous writer that is another instance gets the output recorded in its redo state, so that its trace
    /// no longer counts as up to date; when one did, the change is committed at once, before the redo can write the
    /// output (a run killed during the redo must not leave the other instance's trace valid for a file it overwrote).
    /// </summary>
    public void ClaimOutputs(long instanceId, IEnumerable<TreePath> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        try
        {
            lock (_gate)
            {
                var taken = false;
                foreach (var output in outputs)
                {
                    var encoded = EncodePath(output);
                    var writer = Prepared("SELECT tool_inst_id FROM OutputWriter WHERE path=$p", ("$p", encoded)).ExecuteScalar();
                    if (writer is long previous && previous == instanceId)
                        continue;
                    if (writer is long other)
                    {
                        taken |= Prepared("UPDATE RedoState SET overwritten_output=$o WHERE tool_inst_id=$i AND overwritten_output IS NULL",
                            ("$o", output.AsString()), ("$i", other)).ExecuteNonQuery() > 0;
                    }
                    Prepared("INSERT OR REPLACE INTO OutputWriter VALUES ($p, $i)", ("$p", encoded), ("$i", instanceId)).ExecuteNonQuery();
                }
                if (taken)
                    Commit();
            }
        }
        catch (SqliteException e)
        {
            throw Failure("write", e);
        }
    }

    /// <summary>Records a redo of the current run.</summary>
    public void RecordRedo(long instanceId, string tool, string reason, long startNs, long durationNs)
    {
        try
        {
            lock (_gate)
            {
                Prepared("INSERT INTO Redo VALUES ($r, $i, $t, $why, $s, $d)",
                    ("$r", RunId), ("$i", instanceId), ("$t", tool), ("$why", reason), ("$s", startNs), ("$d", durationNs)).ExecuteNonQuery();
            }
        }
        catch (SqliteException e)
        {
            throw Failure("write", e);
        }
    }

    /// <summary>Marks the current run successful.</summary>
    public void FinishRun(long durationNs, int instanceCount, int redoCount)
    {
        try
        {
            lock (_gate)
            {
                Prepared("UPDATE Run SET duration_ns=$d, instance_count=$n, redo_count=$r WHERE run_id=$id",
                    ("$d", durationNs), ("$n", instanceCount), ("$r", redoCount), ("$id", RunId)).ExecuteNonQuery();
            }
        }
        catch (SqliteException e)
        {
            throw Failure("write", e);
        }
    }

    /// <summary>
    /// Records the tool instances the current (successful) run started, for <c>kiln clean --dead</c>; kept for this run
    /// only (one blob, written once per run: a row per instance would cost a no-op run milliseconds).
    /// </summary>
    public void RecordStartedInstances(IEnumerable<long> instanceIds)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        var sorted = instanceIds.Distinct().Order().ToArray();
        var blob = new byte[sorted.Length * 8];
        for (var i = 0; i < sorted.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(blob.AsSpan(i * 8), sorted[i]);
        try
        {
            lock (_gate)
            {
                Prepared("UPDATE Run SET started_instances=NULL WHERE started_instances IS NOT NULL AND run_id<>$id", ("$id", RunId)).ExecuteNonQuery();
                Prepared("UPDATE Run SET started_instances=$b WHERE run_id=$id", ("$b", blob), ("$id", RunId)).ExecuteNonQuery();
            }
        }
        catch (SqliteException e)
        {
            throw Failure("write", e);
        }
    }

    /// <summary>
    /// Reads, without writing, every explicit output Kiln has written (by the claim of a redo), each with whether the
    /// latest successful run started its writer — false for outputs of tool instances no longer in the script, as
    /// <c>ninja -t cleandead</c> finds them. Empty when the file does not exist.
    /// </summary>
    /// <exception cref="RunDatabaseException">Unreadable or not a Kiln run-database.</exception>
    public static IReadOnlyList<(TreePath Path, bool Live)> ReadWrittenOutputs(string path)
    {
        if (!File.Exists(path))
            return [];
        try
        {
            using var connection = OpenReadOnly(path);
            var live = new HashSet<long>();
            using (var query = connection.CreateCommand())
            {
                query.CommandText = "SELECT started_instances FROM Run WHERE duration_ns IS NOT NULL AND started_instances IS NOT NULL ORDER BY run_id DESC LIMIT 1";
                if (query.ExecuteScalar() is byte[] blob)
                {
                    for (var i = 0; i + 8 <= blob.Length; i += 8)
                        live.Add(System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(blob.AsSpan(i)));
                }
            }
            var result = new List<(TreePath, bool)>();
            using (var query = connection.CreateCommand())
            {
                query.CommandText = "SELECT path, tool_inst_id FROM OutputWriter ORDER BY path";
                using var reader = query.ExecuteReader();
                while (reader.Read())
                {
                    var decoded = DecodePath(reader.GetString(0));
                    if (decoded is not null)
                        result.Add((decoded, live.Contains(reader.GetInt64(1))));
                }
            }
            return result;
        }
        catch (SqliteException e)
        {
            throw ReadFailure(path, e);
        }
    }

    /// <summary>The latest successful runs before the current one, oldest first.</summary>
    public IReadOnlyList<RunSummary> LatestRuns(int maxCount)
    {
        lock (_gate)
        {
            var result = new List<RunSummary>();
            using var reader = Prepared(
                "SELECT start_ns, duration_ns, instance_count, redo_count FROM Run WHERE run_id<>$id AND duration_ns IS NOT NULL ORDER BY start_ns DESC, run_id DESC LIMIT $n",
                ("$id", RunId), ("$n", maxCount)).ExecuteReader();
            while (reader.Read())
                result.Add(new RunSummary(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetInt32(3)));
            result.Reverse();
            return result;
        }
    }

    /// <summary>The redos of the latest run that has any recorded, in start order (for <c>kiln explain</c>).</summary>
    public IReadOnlyList<RedoRecord> RedosOfRun(long runId)
    {
        lock (_gate)
        {
            var result = new List<RedoRecord>();
            using var reader = Prepared("SELECT run_id, tool, reason, start_ns, duration_ns FROM Redo WHERE run_id=$r ORDER BY start_ns", ("$r", runId)).ExecuteReader();
            while (reader.Read())
                result.Add(new RedoRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4)));
            return result;
        }
    }

    /// <summary>
    /// Reads, without writing, the latest run — successful or failed — and its recorded redos, for <c>kiln explain</c>;
    /// with <paramref name="involving"/>, only the redos of tool instances with that path (or a path under it, for a
    /// directory) among their explicit or non-explicit inputs, in their description or in their reason. Null when the
    /// file does not exist or records no run.
    /// </summary>
    /// <exception cref="RunDatabaseException">Unreadable or not a Kiln run-database.</exception>
    public static ExplainedRun? ReadLatestRun(string path, TreePath? involving = null)
    {
        if (!File.Exists(path))
            return null;
        try
        {
            using var connection = OpenReadOnly(path);
            using var runQuery = connection.CreateCommand();
            runQuery.CommandText = "SELECT run_id, start_ns, duration_ns, instance_count FROM Run ORDER BY run_id DESC LIMIT 1";
            long runId, startNs;
            long? durationNs;
            int? instanceCount;
            using (var reader = runQuery.ExecuteReader())
            {
                if (!reader.Read())
                    return null;
                runId = reader.GetInt64(0);
                startNs = reader.GetInt64(1);
                durationNs = reader.IsDBNull(2) ? null : reader.GetInt64(2);
                instanceCount = reader.IsDBNull(3) ? null : reader.GetInt32(3);
            }
            using var redoQuery = connection.CreateCommand();
            redoQuery.CommandText = "SELECT run_id, tool, reason, start_ns, duration_ns FROM Redo r WHERE run_id=$r AND ($any OR " +
                "instr(tool, $quoted) > 0 OR instr(reason, $quoted) > 0 OR " +
                "EXISTS (SELECT 1 FROM Input i WHERE i.tool_inst_id=r.tool_inst_id AND i.path >= $lo AND i.path < $hi)) ORDER BY start_ns";
            redoQuery.Parameters.AddWithValue("$r", runId);
            redoQuery.Parameters.AddWithValue("$any", involving is null);
            // A file 'a/b' is the encoded range [a/b/, a/b0), which also holds everything under a directory 'a/b/'; in
            // descriptions and reasons paths are quoted: 'a/b' for a file, the prefix 'a/b/ for a directory.
            var encoded = involving is null ? "" : EncodePath(involving);
            redoQuery.Parameters.AddWithValue("$lo", encoded);
            redoQuery.Parameters.AddWithValue("$hi", encoded.Length == 0 ? "" : encoded[..^1] + "0");
            redoQuery.Parameters.AddWithValue("$quoted", involving is null ? "" : involving.IsDirectory ? TreePath.Quote(involving.AsString())[..^1] : TreePath.Quote(involving.AsString()));
            var redos = new List<RedoRecord>();
            using (var reader = redoQuery.ExecuteReader())
            {
                while (reader.Read())
                    redos.Add(new RedoRecord(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), reader.GetInt64(3), reader.GetInt64(4)));
            }
            return new ExplainedRun(startNs, durationNs, instanceCount, redos);
        }
        catch (SqliteException e)
        {
            throw ReadFailure(path, e);
        }
    }

    /// <summary>A connection that reads the run-database without writing (for the <c>kiln</c> commands beside the engine).</summary>
    private static SqliteConnection OpenReadOnly(string path)
    {
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        try
        {
            connection.Open();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private static RunDatabaseException ReadFailure(string path, SqliteException e) =>
        new($"could not read run-database {TreePath.Quote(path)}\n  | reason: {e.Message}\n  | if you suspect database corruption, remove the run-database file(s): rm -f '{path}'*", e);

    /// <summary>Commits the run's transaction and starts a new one.</summary>
    public void Commit()
    {
        try
        {
            lock (_gate)
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
        }
        catch (SqliteException e)
        {
            throw Failure("write", e);
        }
    }

    private void CommitIfOverdue(int operations)
    {
        _uncommitted += operations;
        if (_uncommitted > CommitEvery)
            Commit();
    }

    /// <summary>Closes the database; uncommitted changes are lost (call <see cref="Commit"/> first).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
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
