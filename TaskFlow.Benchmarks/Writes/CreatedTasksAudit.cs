using Npgsql;

namespace TaskFlow.Benchmarks.Writes;

/// <summary>What the Workers' audit (workersdb.audit_entries) holds of the <c>task.created</c> events of given tasks.</summary>
public sealed class CreatedTasksAudit(NpgsqlDataSource auditDb, int[] taskIds)
{
    /// <summary>
    /// occurred_at is the event's timestamp, taken in the Api just before the write's transaction; recorded_at is when
    /// the audit stored it. Both come from the same machine's clock.
    /// </summary>
    public sealed record Summary(long Rows, long Tasks, long TasksRecordedMoreThanOnce, double P50Ms, double P99Ms, double MaxMs);

    private const string Created = "event_type = 'task.created' AND task_id = ANY(@ids)";

    public async Task<long> AuditedTasksAsync(CancellationToken cancellationToken = default)
    {
        await using var command = Command($"SELECT count(DISTINCT task_id) FROM audit_entries WHERE {Created}");
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task<Summary> SummarizeAsync()
    {
        await using var command = Command($"""
            WITH created AS (
                SELECT task_id, (extract(epoch FROM recorded_at - occurred_at) * 1000)::float8 AS ms
                FROM audit_entries WHERE {Created})
            SELECT count(*),
                   count(DISTINCT task_id),
                   (SELECT count(*) FROM (SELECT 1 FROM created GROUP BY task_id HAVING count(*) > 1) AS repeated),
                   coalesce(percentile_cont(0.5) WITHIN GROUP (ORDER BY ms), 'NaN'),
                   coalesce(percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), 'NaN'),
                   coalesce(max(ms), 'NaN')
            FROM created
            """);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return new Summary(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetDouble(3), reader.GetDouble(4), reader.GetDouble(5));
    }

    /// <summary>write → audit p99 and max per <paramref name="seconds"/>-second window of the write time: where a tail comes from.</summary>
    public async Task<List<(int FromSecond, long Rows, double P99Ms, double MaxMs)>> PerWindowAsync(int seconds)
    {
        await using var command = Command($"""
            WITH created AS (
                SELECT occurred_at, (extract(epoch FROM recorded_at - occurred_at) * 1000)::float8 AS ms
                FROM audit_entries WHERE {Created}),
            windowed AS (
                SELECT (floor(extract(epoch FROM occurred_at - (SELECT min(occurred_at) FROM created)) / {seconds}) * {seconds})::int AS from_second, ms
                FROM created)
            SELECT from_second, count(*), percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), max(ms)
            FROM windowed GROUP BY from_second ORDER BY from_second
            """);
        await using var reader = await command.ExecuteReaderAsync();
        var windows = new List<(int, long, double, double)>();
        while (await reader.ReadAsync()) windows.Add((reader.GetInt32(0), reader.GetInt64(1), reader.GetDouble(2), reader.GetDouble(3)));
        return windows;
    }

    private NpgsqlCommand Command(string sql)
    {
        var command = auditDb.CreateCommand(sql);
        command.Parameters.AddWithValue("ids", taskIds);
        return command;
    }
}
