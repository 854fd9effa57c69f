using Kiln.Paths;
using Microsoft.Data.Sqlite;

namespace Kiln.Store;

// Read-only access beside the engine, for the kiln commands 'explain' and 'clean': a connection of its own, no lock on
// the working tree, nothing written.
internal sealed partial class RunDatabase
{
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
            throw Failure("read", e, path);
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
            throw Failure("read", e, path);
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
}
