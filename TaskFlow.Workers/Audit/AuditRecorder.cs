using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Audit;

/// <summary>
/// Appends every task event to the audit table, once: the unique <c>event_id</c> turns a redelivery into a no-op.
/// A consumed batch is one multi-row insert.
/// </summary>
public sealed class AuditRecorder(WorkersDbContext db, TimeProvider clock) : IBatchEventHandler
{
    public const string ConsumerGroup = "workers-audit";

    public Task HandleAsync(ConsumedEvent consumedEvent, CancellationToken cancellationToken) =>
        HandleBatchAsync([consumedEvent], cancellationToken);

    public async Task HandleBatchAsync(IReadOnlyList<ConsumedEvent> consumedEvents, CancellationToken cancellationToken)
    {
        var rows = consumedEvents.Select(ToRow).ToList();
        var recordedAt = clock.GetUtcNow();
        // Arrays in, one statement: unnest() zips them back into rows.
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO audit_entries (event_id, event_type, task_id, user_id, occurred_at, recorded_at, data)
            SELECT e.event_id, e.event_type, e.task_id, e.user_id, e.occurred_at, {recordedAt}, e.data::jsonb
            FROM unnest({rows.Select(r => r.EventId).ToArray()}, {rows.Select(r => r.EventType).ToArray()},
                        {rows.Select(r => r.TaskId).ToArray()}, {rows.Select(r => r.UserId).ToArray()},
                        {rows.Select(r => r.OccurredAt).ToArray()}, {rows.Select(r => r.Data).ToArray()})
                 AS e(event_id, event_type, task_id, user_id, occurred_at, data)
            ON CONFLICT (event_id) DO NOTHING
            """, cancellationToken);
    }

    private sealed record Row(Guid EventId, string EventType, int TaskId, string UserId, DateTimeOffset OccurredAt, string Data);

    private static Row ToRow(ConsumedEvent consumedEvent)
    {
        var envelope = consumedEvent.Envelope;
        var data = envelope.Data;
        if (data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("task_id", out var taskId) || !taskId.TryGetInt32(out var id)
            || !data.TryGetProperty("user_id", out var userId) || userId.ValueKind != JsonValueKind.String)
        {
            throw new JsonException($"{envelope.EventType} {envelope.EventId} has no task_id/user_id in its data.");
        }
        return new Row(envelope.EventId, envelope.EventType, id, userId.GetString()!, envelope.Timestamp.ToUniversalTime(), data.GetRawText());
    }
}
