using Microsoft.EntityFrameworkCore;
using Npgsql;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Outbox;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Notifications;

/// <summary>What a notification says, and the event it comes from (which makes it once only).</summary>
public sealed record NotificationDraft(Guid SourceEventId, string UserId, int TaskId, string Title, string Message, DateTimeOffset? DueAt, DateTimeOffset RemindAt);

public static class NotificationRecording
{
    /// <summary>
    /// Stores the notification for its user (pending delivery to their webhook if they have one) and announces it on
    /// <c>task-updates</c> through the outbox, in one transaction. A source event recorded before, also by another
    /// instance at the same moment (the table holds it unique), adds nothing.
    /// </summary>
    public static async Task RecordAsync(this WorkersDbContext db, NotificationDraft draft, TimeProvider clock, CancellationToken cancellationToken)
    {
        if (await db.Notifications.AnyAsync(n => n.ReminderEventId == draft.SourceEventId, cancellationToken)) return;

        var hasWebhook = await db.Webhooks.AnyAsync(w => w.UserId == draft.UserId, cancellationToken);
        var now = clock.GetUtcNow();
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(now),
            UserId = draft.UserId,
            TaskId = draft.TaskId,
            ReminderEventId = draft.SourceEventId,
            Title = draft.Title,
            Message = draft.Message,
            DueAt = draft.DueAt,
            RemindAt = draft.RemindAt,
            CreatedAt = now,
            DeliveryStatus = hasWebhook ? DeliveryStatus.Pending : DeliveryStatus.Delivered,
            NextAttemptAt = hasWebhook ? now : null,
            DeliveredAt = hasWebhook ? null : now,
        };
        db.Notifications.Add(notification);
        db.EnqueueEvent(Topics.TaskUpdates, notification.UserId, EventEnvelope.Create(NotificationEventTypes.Created,
            new NotificationCreatedData(notification.Id, notification.UserId, notification.TaskId, notification.Title,
                notification.Message, notification.DueAt, notification.RemindAt, notification.CreatedAt), clock));
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // Another instance recorded it a moment ago.
        }
    }
}
