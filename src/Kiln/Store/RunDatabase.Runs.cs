namespace Kiln.Store;

// The record of runs and their redos.
internal sealed partial class RunDatabase
{
    /// <summary>Records a successful redo of the current run (times in ns since the run's start).</summary>
    /// <exception cref="RunDatabaseException">SQLite failed.</exception>
    public void RecordRedo(long instanceId, string tool, string reason, long startNs, long durationNs) =>
        Locked((instanceId, tool, reason, startNs, durationNs), static (db, s) => db.Prepared("INSERT INTO Redo VALUES ($r, $i, $t, $why, $s, $d)",
            ("$r", db.RunId), ("$i", s.instanceId), ("$t", s.tool), ("$why", s.reason), ("$s", s.startNs), ("$d", s.durationNs)).ExecuteNonQuery());

    /// <summary>Marks the current run successful.</summary>
    /// <exception cref="RunDatabaseException">SQLite failed.</exception>
    public void FinishRun(long durationNs, int instanceCount, int redoCount) =>
        Locked((durationNs, instanceCount, redoCount), static (db, s) => db.Prepared("UPDATE Run SET duration_ns=$d, instance_count=$n, redo_count=$r WHERE run_id=$id",
            ("$d", s.durationNs), ("$n", s.instanceCount), ("$r", s.redoCount), ("$id", db.RunId)).ExecuteNonQuery());

    /// <summary>
    /// Records the tool instances the current (successful) run started, for <c>kiln clean --dead</c>; kept for this run
    /// only (one blob, written once per run: a row per instance would cost a no-op run milliseconds).
    /// </summary>
    /// <exception cref="RunDatabaseException">SQLite failed.</exception>
    public void RecordStartedInstances(IEnumerable<long> instanceIds)
    {
        ArgumentNullException.ThrowIfNull(instanceIds);
        var sorted = instanceIds.Distinct().Order().ToArray();
        var blob = new byte[sorted.Length * 8];
        for (var i = 0; i < sorted.Length; i++)
            System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(blob.AsSpan(i * 8), sorted[i]);
        Locked(blob, static (db, b) =>
        {
            db.Prepared("UPDATE Run SET started_instances=NULL WHERE started_instances IS NOT NULL AND run_id<>$id", ("$id", db.RunId)).ExecuteNonQuery();
            db.Prepared("UPDATE Run SET started_instances=$b WHERE run_id=$id", ("$b", b), ("$id", db.RunId)).ExecuteNonQuery();
        });
    }

    /// <summary>The latest successful runs before the current one, oldest first.</summary>
    /// <exception cref="RunDatabaseException">SQLite failed.</exception>
    public IReadOnlyList<RunSummary> LatestRuns(int maxCount) => Locked(maxCount, static (db, n) =>
    {
        var result = new List<RunSummary>();
        using var reader = db.Prepared(
            "SELECT start_ns, duration_ns, instance_count, redo_count FROM Run WHERE run_id<>$id AND duration_ns IS NOT NULL ORDER BY start_ns DESC, run_id DESC LIMIT $n",
            ("$id", db.RunId), ("$n", n)).ExecuteReader();
        while (reader.Read())
            result.Add(new RunSummary(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt32(2), reader.GetInt32(3)));
        result.Reverse();
        return result;
    });
}
