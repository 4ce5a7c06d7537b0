using Microsoft.EntityFrameworkCore;
using Npgsql;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Outbox;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Notifications;

/// <summary>
/// Turns each <c>reminder.due</c> into one notification for its user, and announces it on <c>task-updates</c>
/// through the outbox (same transaction). A redelivered or re-fired reminder has the same event id, which the
/// notifications table holds unique: it adds nothing.
/// </summary>
public sealed class NotificationRecorder(WorkersDbContext db, TimeProvider clock) : IEventHandler<ReminderDueData>
{
    public const string ConsumerGroup = "workers-notifications";

    public async Task HandleAsync(ConsumedEvent<ReminderDueData> consumedEvent, CancellationToken cancellationToken)
    {
        var eventId = consumedEvent.Envelope.EventId;
        if (await db.Notifications.AnyAsync(n => n.ReminderEventId == eventId, cancellationToken)) return;

        var reminder = consumedEvent.Data;
        var hasWebhook = await db.Webhooks.AnyAsync(w => w.UserId == reminder.UserId, cancellationToken);
        var now = clock.GetUtcNow();
        var notification = new Notification
        {
            Id = Guid.CreateVersion7(now),
            UserId = reminder.UserId,
            TaskId = reminder.TaskId,
            ReminderEventId = eventId,
            Title = reminder.Title,
            Message = reminder.DueAt is { } due ? $"Reminder: \"{reminder.Title}\" is due at {due:yyyy-MM-dd HH:mm} UTC." : $"Reminder: \"{reminder.Title}\".",
            DueAt = reminder.DueAt,
            RemindAt = reminder.RemindAt,
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
            // Another instance recorded this reminder a moment ago.
        }
    }
}
