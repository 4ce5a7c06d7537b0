using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Audit;

/// <summary>
/// Appends every task event to the audit table, once: the unique <c>event_id</c> turns a redelivery into a no-op.
/// </summary>
public sealed class AuditRecorder(WorkersDbContext db, TimeProvider clock) : IEventHandler
{
    public const string ConsumerGroup = "workers-audit";

    public async Task HandleAsync(ConsumedEvent consumedEvent, CancellationToken cancellationToken)
    {
        var envelope = consumedEvent.Envelope;
        var data = envelope.Data;
        if (data.ValueKind != JsonValueKind.Object
            || !data.TryGetProperty("task_id", out var taskId) || !taskId.TryGetInt32(out var id)
            || !data.TryGetProperty("user_id", out var userId) || userId.ValueKind != JsonValueKind.String)
        {
            throw new JsonException($"{envelope.EventType} {envelope.EventId} has no task_id/user_id in its data.");
        }

        var recordedAt = clock.GetUtcNow();
        await db.Database.ExecuteSqlAsync($"""
            INSERT INTO audit_entries (event_id, event_type, task_id, user_id, occurred_at, recorded_at, data)
            VALUES ({envelope.EventId}, {envelope.EventType}, {id}, {userId.GetString()}, {envelope.Timestamp}, {recordedAt}, {data.GetRawText()}::jsonb)
            ON CONFLICT (event_id) DO NOTHING
            """, cancellationToken);
    }
}
