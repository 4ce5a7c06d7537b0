using Microsoft.EntityFrameworkCore;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Audit;

/// <summary>
/// Appends every task event to the audit table, once: the unique <c>event_id</c> turns a redelivery into a no-op.
/// The row keeps the event's data exactly as it was sent (the history as it happened), filed under its task and user.
/// A consumed batch is one multi-row insert.
/// </summary>
public sealed class AuditRecorder(WorkersDbContext db, TimeProvider clock) : IBatchEventHandler<TaskEventData>
{
    public const string ConsumerGroup = "workers-audit";

    public Task HandleAsync(ConsumedEvent<TaskEventData> consumedEvent, CancellationToken cancellationToken) =>
        HandleBatchAsync([consumedEvent], cancellationToken);

    public async Task HandleBatchAsync(IReadOnlyList<ConsumedEvent<TaskEventData>> consumedEvents, CancellationToken cancellationToken)
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

    private static Row ToRow(ConsumedEvent<TaskEventData> consumedEvent)
    {
        var envelope = consumedEvent.Envelope;
        return new Row(envelope.EventId, envelope.EventType, consumedEvent.Data.TaskId, consumedEvent.Data.UserId,
            envelope.Timestamp.ToUniversalTime(), envelope.Data.GetRawText());
    }
}
