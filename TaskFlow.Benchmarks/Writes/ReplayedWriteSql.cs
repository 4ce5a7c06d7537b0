using Npgsql;

namespace TaskFlow.Benchmarks.Writes;

/// <summary>
/// The SQL of one <c>POST /api/tasks</c>, sent straight to tasksdb: what Postgres alone can do of the Api's write.
/// It MUST mirror the Api's write, TaskService.CreateAsync (AddOnceAsync, without an Idempotency-Key) as EF Core
/// sends it for ApiDbContext's model and OutboxModel.EnqueueEvent, followed by the outbox relay marking the write's
/// two rows published. When that write changes, change this file: the statements below were read from
/// pg_stat_activity during a <c>writes</c> run.
/// </summary>
public sealed class ReplayedWriteSql(string userId, int listId, CapturedOutboxPayloads payloads)
{
    /// <summary>TaskIdAllocator: ids come from blocks of 50 reserved from the sequence, one round trip per block.</summary>
    private const string ReserveTaskIds = """SELECT nextval('task_ids') AS "Value" FROM generate_series(1, 50)""";

    private readonly Queue<long> _reservedIds = new();

    /// <summary>
    /// SaveChanges: the task and its two outbox rows in one batch, in one transaction. Every column the model maps
    /// except the computed ones, which EF reads back with xmin (the task's version).
    /// </summary>
    private const string InsertTask = """
        INSERT INTO tasks (id, assignee_id, category, completed_at, created_at, description, due_at, due_date, due_key, list_id, occurrence, priority, recurrence, remind_at, remind_before, series_id, series_start, status, tags, time_zone, title, updated_at, user_id)
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9, @p10, @p11, @p12, @p13, @p14, @p15, @p16, @p17, @p18, @p19, @p20, @p21, @p22)
        RETURNING category_key, title_key, xmin
        """;

    /// <summary>One per outbox row: a task-events message (key = task id) and a task-updates one (key = list id).</summary>
    private const string InsertOutboxMessage = """
        INSERT INTO outbox_messages (attempts, created_at, event_id, event_type, key, last_error, payload, published_at, topic, trace_parent)
        VALUES (@p0, @p1, @p2, @p3, @p4, @p5, @p6, @p7, @p8, @p9)
        RETURNING id
        """;

    /// <summary>The relay, once the broker acknowledged both messages.</summary>
    private const string MarkPublished = "UPDATE outbox_messages SET published_at = now() WHERE id = ANY(@ids)";

    public async Task RunOnceAsync(NpgsqlConnection connection, int n)
    {
        var taskId = await NextTaskIdAsync(connection);

        var now = DateTimeOffset.UtcNow;
        var dueDate = DateOnly.FromDateTime(now.UtcDateTime).AddDays(1 + n % 30);
        var outboxIds = new long[2];
        await using (var transaction = await connection.BeginTransactionAsync())
        {
            await using (var batch = new NpgsqlBatch(connection, transaction))
            {
                batch.BatchCommands.Add(Command(InsertTask,
                    (int)taskId, null, null, null, now, null, null, dueDate,
                    new DateTimeOffset(dueDate.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero),
                    listId, null, (short)(n % 3), null, null, null, null, null,
                    "pending", new[] { "bench" }, "UTC", $"Benchmark write {n}", now, userId));
                batch.BatchCommands.Add(Command(InsertOutboxMessage,
                    0, now, Guid.CreateVersion7(), "task.created", taskId.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    null, payloads.TaskEvent, null, "task-events", payloads.TraceParent));
                batch.BatchCommands.Add(Command(InsertOutboxMessage,
                    0, now, Guid.CreateVersion7(), "task.changed", listId.ToString(System.Globalization.CultureInfo.InvariantCulture), null, payloads.TaskUpdate, null, "task-updates", payloads.TraceParent));
                await using var reader = await batch.ExecuteReaderAsync();
                await reader.ReadAsync();
                await reader.NextResultAsync();
                await reader.ReadAsync();
                outboxIds[0] = reader.GetInt64(0);
                await reader.NextResultAsync();
                await reader.ReadAsync();
                outboxIds[1] = reader.GetInt64(0);
            }
            await transaction.CommitAsync();
        }

        await using var mark = new NpgsqlCommand(MarkPublished, connection);
        mark.Parameters.AddWithValue("ids", outboxIds);
        await mark.ExecuteNonQueryAsync();
    }

    private async Task<long> NextTaskIdAsync(NpgsqlConnection connection)
    {
        lock (_reservedIds)
        {
            if (_reservedIds.TryDequeue(out var id)) return id;
        }
        var block = new List<long>();
        await using (var reserve = new NpgsqlCommand(ReserveTaskIds, connection))
        await using (var reader = await reserve.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) block.Add(reader.GetInt64(0));
        }
        lock (_reservedIds)
        {
            foreach (var reserved in block.Skip(1)) _reservedIds.Enqueue(reserved);
        }
        return block[0];
    }

    /// <summary>Values for @p0, @p1, ... as EF names them; Postgres takes the type of a null from its column.</summary>
    private static NpgsqlBatchCommand Command(string sql, params object?[] values)
    {
        var command = new NpgsqlBatchCommand(sql);
        for (var i = 0; i < values.Length; i++)
            command.Parameters.Add(new NpgsqlParameter($"p{i}", values[i] ?? DBNull.Value));
        return command;
    }
}
