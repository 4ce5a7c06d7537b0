using Npgsql;

namespace TaskFlow.Benchmarks.Writes;

/// <summary>
/// The outbox rows of one real task create, taken from tasksdb after the load: the replay writes payloads of the
/// same size and shape as the Api's without rebuilding the envelopes here.
/// </summary>
public sealed record CapturedOutboxPayloads(string TaskEvent, string TaskUpdate, string? TraceParent)
{
    private const string LatestOfEachTopic = """
        SELECT DISTINCT ON (topic) topic, payload, trace_parent
        FROM outbox_messages
        WHERE (topic, event_type) IN (('task-events', 'task.created'), ('task-updates', 'task.changed'))
        ORDER BY topic, id DESC
        """;

    public static async Task<CapturedOutboxPayloads> CaptureAsync(NpgsqlDataSource tasksDb)
    {
        var rows = new Dictionary<string, (string Payload, string? TraceParent)>();
        await using var command = tasksDb.CreateCommand(LatestOfEachTopic);
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            rows[reader.GetString(0)] = (reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2));
        if (!rows.TryGetValue("task-events", out var taskEvent) || !rows.TryGetValue("task-updates", out var taskUpdate))
            throw new InvalidOperationException("The outbox holds no task.created/task.changed rows to copy: did any write succeed?");
        return new CapturedOutboxPayloads(taskEvent.Payload, taskUpdate.Payload, taskEvent.TraceParent);
    }
}
