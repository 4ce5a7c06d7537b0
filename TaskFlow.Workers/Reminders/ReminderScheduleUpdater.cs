using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Reminders;

/// <summary>
/// Keeps the reminder schedule in step with task-events: a new or moved reminder is (re)scheduled, a completed or
/// deleted task's reminder is cancelled. The database row is written first; Redis follows it.
/// </summary>
public sealed class ReminderScheduleUpdater(WorkersDbContext db, ReminderSchedule schedule) : IEventHandler
{
    public const string ConsumerGroup = "workers-reminder-scheduler";

    public async Task HandleAsync(ConsumedEvent consumedEvent, CancellationToken cancellationToken)
    {
        var envelope = consumedEvent.Envelope;
        switch (envelope.EventType)
        {
            case TaskEventTypes.Created:
                var created = envelope.DataAs<TaskCreatedData>();
                var reminder = await db.Reminders.FindAsync([created.TaskId], cancellationToken);
                if (reminder is null)
                {
                    reminder = new ScheduledReminder { TaskId = created.TaskId, UserId = created.UserId, Title = created.Title };
                    db.Reminders.Add(reminder);
                }
                reminder.Title = created.Title;
                reminder.DueAt = created.DueAt;
                reminder.RemindAt = created.RemindAt;
                reminder.IsCompleted = created.Status == "completed";
                await db.SaveChangesAsync(cancellationToken);
                await SyncAsync(reminder);
                break;

            case TaskEventTypes.Updated:
                var updated = envelope.DataAs<TaskUpdatedData>();
                var existing = await db.Reminders.FindAsync([updated.TaskId], cancellationToken);
                // A task created before the scheduler existed has no row; it gains one on its next task.created.
                if (existing is null) return;
                Apply(existing, updated.Changes);
                await db.SaveChangesAsync(cancellationToken);
                await SyncAsync(existing);
                break;

            case TaskEventTypes.Deleted:
                var deleted = envelope.DataAs<TaskDeletedData>();
                await db.Reminders.Where(r => r.TaskId == deleted.TaskId).ExecuteDeleteAsync(cancellationToken);
                await schedule.RemoveAsync(deleted.TaskId);
                break;
        }
    }

    private static void Apply(ScheduledReminder reminder, IReadOnlyDictionary<string, FieldChange> changes)
    {
        if (changes.TryGetValue("title", out var title) && title.New is not null) reminder.Title = title.New.GetValue<string>();
        if (changes.TryGetValue("due_at", out var dueAt)) reminder.DueAt = ReadInstant(dueAt.New);
        if (changes.TryGetValue("remind_at", out var remindAt)) reminder.RemindAt = ReadInstant(remindAt.New);
        if (changes.TryGetValue("status", out var status)) reminder.IsCompleted = status.New?.GetValue<string>() == "completed";
    }

    private static DateTimeOffset? ReadInstant(JsonNode? value) => value?.Deserialize<DateTimeOffset>(EventJson.Options);

    private Task SyncAsync(ScheduledReminder reminder) =>
        reminder.IsPending ? schedule.PutAsync(reminder.TaskId, reminder.RemindAt!.Value) : schedule.RemoveAsync(reminder.TaskId);
}
