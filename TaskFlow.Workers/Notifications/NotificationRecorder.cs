using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Notifications;

/// <summary>
/// Turns each <c>reminder.due</c> into one notification for its user, announced on <c>task-updates</c>. A redelivered
/// or re-fired reminder has the same event id, which the notifications table holds unique: it adds nothing.
/// </summary>
public sealed class NotificationRecorder(WorkersDbContext db, TimeProvider clock) : IEventHandler<ReminderDueData>
{
    public const string ConsumerGroup = "workers-notifications";

    public Task HandleAsync(ConsumedEvent<ReminderDueData> consumedEvent, CancellationToken cancellationToken)
    {
        var reminder = consumedEvent.Data;
        return db.RecordAsync(new NotificationDraft(
            SourceEventId: consumedEvent.Envelope.EventId,
            UserId: reminder.UserId,
            TaskId: reminder.TaskId,
            Title: reminder.Title,
            Message: reminder.DueAt is { } due ? $"Reminder: \"{reminder.Title}\" is due at {due:yyyy-MM-dd HH:mm} UTC." : $"Reminder: \"{reminder.Title}\".",
            DueAt: reminder.DueAt,
            RemindAt: reminder.RemindAt), clock, cancellationToken);
    }
}
