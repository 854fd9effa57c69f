using Kiln.Paths;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Kiln.Store;

// What a start and a redo of a tool instance read and write: its id, its trace, its outputs' writer.
internal sealed partial class RunDatabase
{
    /// <summary>
    /// The no-op path of a start, in one statement: the id of the tool instance, registering it when new, and the trace of
    /// its last successful redo or null.
    /// </summary>
    /// <exception cref="RunDatabaseException">SQLite failed.</exception>
    public (long InstanceId, Trace? Trace) LookUpInstance(string toolKey, byte[] fingerprint, byte[] dependencyFingerprint) =>
        Locked((toolKey, fingerprint, dependencyFingerprint), static (db, s) => db.LookUpLocked(s.toolKey, s.fingerprint, s.dependencyFingerprint));

    private (long InstanceId, Trace? Trace) LookUpLocked(string toolKey, byte[] fingerprint, byte[] dependencyFingerprint)
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

    private void Check(int rc)
    {
        if (rc is not (raw.SQLITE_OK or raw.SQLITE_ROW or raw.SQLITE_DONE))
            SqliteException.ThrowExceptionForRC(rc, _connection.Handle);
    }

    /// <summary>Whether another instance with the same tool and explicit dependencies (but other parameters) has a known redo.</summary>
    /// <exception cref="RunDatabaseException">SQLite failed.</exception>
    public bool HasSiblingWithOtherParameters(string toolKey, byte[] dependencyFingerprint, long instanceId) =>
        Locked((toolKey, dependencyFingerprint, instanceId), static (db, s) => db.Prepared(
            "SELECT 1 FROM ToolInst JOIN RedoState USING (tool_inst_id) WHERE tool_key=$k AND dependency_fingerprint=$d AND tool_inst_id<>$i LIMIT 1",
            ("$k", s.toolKey), ("$d", s.dependencyFingerprint), ("$i", s.instanceId)).ExecuteScalar() is not null);

    /// <summary>The start of the oldest run whose trace is still known (null: none): forgotten with it after the dependency age.</summary>
    /// <exception cref="RunDatabaseException">SQLite failed.</exception>
    public long? OldestTraceStartNs() => Locked(0, static (db, _) =>
        db.Prepared("SELECT MIN(start_ns) FROM RedoState JOIN Run USING (run_id)").ExecuteScalar() is long ns ? ns : (long?)null);

    /// <summary>The trace of the last successful redo, or null when none is known (read again after a redo in this run).</summary>
    /// <exception cref="RunDatabaseException">SQLite failed.</exception>
    public Trace? LoadTrace(long instanceId) => Locked(instanceId, static (db, id) => db.LoadTraceLocked(id));

    private Trace? LoadTraceLocked(long instanceId)
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

    /// <summary>
    /// Stores the trace of a successful redo (replacing the previous one), then marks every stored input
    /// of every instance that lies under one of <paramref name="modifiedOutputs"/> as potentially changed.
    /// </summary>
    /// <exception cref="RunDatabaseException">SQLite failed.</exception>
    public void StoreTrace(long instanceId, Trace trace, IEnumerable<TreePath> modifiedOutputs)
    {
        ArgumentNullException.ThrowIfNull(trace);
        ArgumentNullException.ThrowIfNull(modifiedOutputs);
        Locked((instanceId, trace, modifiedOutputs), static (db, s) => db.StoreTraceLocked(s.instanceId, s.trace, s.modifiedOutputs));
    }

    private void StoreTraceLocked(long instanceId, Trace trace, IEnumerable<TreePath> modifiedOutputs)
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

    /// <summary>
    /// Makes <paramref name="instanceId"/> the writer of each of its explicit <paramref name="outputs"/>, before its redo
    /// runs. A previous writer that is another instance gets the output recorded in its redo state, so that its trace
    /// no longer counts as up to date; when one did, the change is committed at once, before the redo can write the
    /// output (a run killed during the redo must not leave the other instance's trace valid for a file it overwrote).
    /// </summary>
    /// <exception cref="RunDatabaseException">SQLite failed.</exception>
    public void ClaimOutputs(long instanceId, IEnumerable<TreePath> outputs)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        Locked((instanceId, outputs), static (db, s) => db.ClaimOutputsLocked(s.instanceId, s.outputs));
    }

    private void ClaimOutputsLocked(long instanceId, IEnumerable<TreePath> outputs)
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
            CommitLocked();
    }
}
