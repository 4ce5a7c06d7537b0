using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace TaskFlow.Benchmarks.TasksQuery;

/// <summary>
/// Writes users' tasks straight into the Api's tasks table with binary COPY. This bypasses the API and its outbox
/// (no events, no audit): fine for a read benchmark, and 70,000 API calls would take far longer than the queries.
/// </summary>
public sealed class TaskSeeder(NpgsqlDataSource tasksDb, SampleTasks samples)
{
    public sealed record Owner(string UserId, int Tasks, string TimeZone, bool HasHobby);

    private const string Copy = """
        COPY tasks (id, user_id, list_id, title, description, priority, category, tags, due_date, due_at, time_zone, due_key,
                    status, completed_at, created_at, updated_at)
        FROM STDIN (FORMAT BINARY)
        """;

    private const int ProgressEvery = 10_000;

    /// <summary>Each owner's tasks, in their Inbox (created here as the Api would on their first request); the Inboxes' ids by owner.</summary>
    public async Task<Dictionary<string, int>> SeedAsync(IReadOnlyList<Owner> owners)
    {
        var total = owners.Sum(o => o.Tasks);
        // Tasks of many users arrive interleaved over time, so each user's rows are spread over the whole table.
        var ownerOfRow = owners.SelectMany((owner, index) => Enumerable.Repeat(index, owner.Tasks)).ToArray();
        samples.Shuffle(ownerOfRow);

        var clock = Stopwatch.StartNew();
        await using var connection = await tasksDb.OpenConnectionAsync();
        var inboxes = await InboxesAsync(connection, owners.Select(o => o.UserId).ToArray());
        // Ids in creation order, as the Api hands them out; the sequence then continues after the last one.
        var firstId = (long)(await Scalar(connection, "SELECT nextval('task_ids')"))!;
        await using (var writer = await connection.BeginBinaryImportAsync(Copy))
        {
            for (var row = 0; row < total; row++)
            {
                var owner = owners[ownerOfRow[row]];
                var task = samples.Next(owner.UserId, owner.TimeZone, (row + 0.5) / total, owner.HasHobby);
                await WriteAsync(writer, (int)(firstId + row), inboxes[owner.UserId], task);
                if ((row + 1) % ProgressEvery == 0 || row + 1 == total)
                    Console.WriteLine($"  seeded {row + 1,7:N0} / {total:N0} tasks ({clock.Elapsed.TotalSeconds:F1} s)");
            }
            await writer.CompleteAsync();
        }
        await Scalar(connection, $"SELECT setval('task_ids', {firstId + total - 1})");

        clock.Restart();
        // What autovacuum would have done long ago on a table that grew over two years: statistics, visibility map,
        // and the GIN indexes' pending lists merged.
        await Scalar(connection, "VACUUM (ANALYZE) tasks");
        Console.WriteLine($"  VACUUM (ANALYZE) tasks: {clock.Elapsed.TotalSeconds:F1} s");
        return inboxes;
    }

    private static async Task<Dictionary<string, int>> InboxesAsync(NpgsqlConnection connection, string[] userIds)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO task_lists (name, color, owner_id, is_inbox, created_at)
            SELECT 'Inbox', '#4f46e5', u, true, now() FROM unnest(@users) AS u
            ON CONFLICT (owner_id) WHERE is_inbox DO NOTHING;
            INSERT INTO list_members (list_id, user_id, role, joined_at)
            SELECT id, owner_id, 'owner', now() FROM task_lists WHERE is_inbox AND owner_id = ANY(@users)
            ON CONFLICT DO NOTHING;
            SELECT owner_id, id FROM task_lists WHERE is_inbox AND owner_id = ANY(@users);
            """, connection);
        command.Parameters.AddWithValue("users", userIds);
        var inboxes = new Dictionary<string, int>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) inboxes[reader.GetString(0)] = reader.GetInt32(1);
        return inboxes;
    }

    private static async Task WriteAsync(NpgsqlBinaryImporter writer, int id, int listId, SeedTask task)
    {
        await writer.StartRowAsync();
        await writer.WriteAsync(id, NpgsqlDbType.Integer);
        await writer.WriteAsync(task.UserId, NpgsqlDbType.Varchar);
        await writer.WriteAsync(listId, NpgsqlDbType.Integer);
        await writer.WriteAsync(task.Title, NpgsqlDbType.Varchar);
        await WriteNullableAsync(writer, task.Description, NpgsqlDbType.Varchar);
        await writer.WriteAsync(task.Priority, NpgsqlDbType.Smallint);
        await WriteNullableAsync(writer, task.Category, NpgsqlDbType.Varchar);
        await writer.WriteAsync(task.Tags, NpgsqlDbType.Array | NpgsqlDbType.Text);
        await WriteNullableAsync(writer, task.DueDate, NpgsqlDbType.Date);
        await WriteNullableAsync(writer, task.DueAt, NpgsqlDbType.TimestampTz);
        await writer.WriteAsync(task.TimeZone, NpgsqlDbType.Varchar);
        await writer.WriteAsync(task.DueKey, NpgsqlDbType.TimestampTz);
        await writer.WriteAsync(task.Status, NpgsqlDbType.Varchar);
        await WriteNullableAsync(writer, task.CompletedAt, NpgsqlDbType.TimestampTz);
        await writer.WriteAsync(task.CreatedAt, NpgsqlDbType.TimestampTz);
        await writer.WriteAsync(task.UpdatedAt, NpgsqlDbType.TimestampTz);
    }

    private static Task WriteNullableAsync<T>(NpgsqlBinaryImporter writer, T? value, NpgsqlDbType type) where T : struct =>
        value is { } present ? writer.WriteAsync(present, type) : writer.WriteNullAsync();

    private static Task WriteNullableAsync(NpgsqlBinaryImporter writer, string? value, NpgsqlDbType type) =>
        value is null ? writer.WriteNullAsync() : writer.WriteAsync(value, type);

    private static async Task<object?> Scalar(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}
