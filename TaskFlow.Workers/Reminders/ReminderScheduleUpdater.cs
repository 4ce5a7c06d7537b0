using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Reminders;

/// <summary>
/// Keeps the reminder schedule in step with task-events: a new or moved reminder is (re)scheduled, a completed or
/// deleted task's reminder is cancelled. The database rows are written first; Redis follows them. A consumed batch is
/// one read of the rows it touches, one save, and one round of Redis updates for the tasks it changed.
/// </summary>
public sealed class ReminderScheduleUpdater(WorkersDbContext db, ReminderSchedule schedule) : IBatchEventHandler
{
    public const string ConsumerGroup = "workers-reminder-scheduler";

    public Task HandleAsync(ConsumedEvent consumedEvent, CancellationToken cancellationToken) =>
        HandleBatchAsync([consumedEvent], cancellationToken);

    public async Task HandleBatchAsync(IReadOnlyList<ConsumedEvent> consumedEvents, CancellationToken cancellationToken)
    {
        var events = consumedEvents.Select(e => e.Envelope).Where(e => e.EventType is TaskEventTypes.Created or TaskEventTypes.Updated or TaskEventTypes.Deleted).ToList();
        if (events.Count == 0) return;
        var taskIds = events.Select(e => e.Data.GetProperty("task_id").GetInt32()).Distinct().ToList();
        var reminders = await db.Reminders.Where(r => taskIds.Contains(r.TaskId)).ToDictionaryAsync(r => r.TaskId, cancellationToken);

        // In topic order: a task's events within the batch apply one after another to its row.
        foreach (var envelope in events)
        {
            switch (envelope.EventType)
            {
                case TaskEventTypes.Created:
                    var created = envelope.DataAs<TaskCreatedData>();
                    if (!reminders.TryGetValue(created.TaskId, out var reminder))
                    {
                        reminder = new ScheduledReminder { TaskId = created.TaskId, UserId = created.UserId, Title = created.Title };
                        db.Reminders.Add(reminder);
                        reminders[created.TaskId] = reminder;
                    }
                    reminder.Title = created.Title;
                    reminder.DueAt = created.DueAt;
                    reminder.RemindAt = created.RemindAt;
                    reminder.IsCompleted = created.Status == "completed";
                    break;

                case TaskEventTypes.Updated:
                    var updated = envelope.DataAs<TaskUpdatedData>();
                    // A task created before the scheduler existed has no row; it gains one on its next task.created.
                    if (reminders.TryGetValue(updated.TaskId, out var existing)) Apply(existing, updated.Changes);
                    break;

                case TaskEventTypes.Deleted:
                    var deleted = envelope.DataAs<TaskDeletedData>();
                    if (reminders.Remove(deleted.TaskId, out var gone)) db.Reminders.Remove(gone);
                    break;
            }
        }
        await db.SaveChangesAsync(cancellationToken);

        await Task.WhenAll(taskIds.Select(taskId => reminders.TryGetValue(taskId, out var reminder) && reminder.IsPending
            ? schedule.PutAsync(taskId, reminder.RemindAt!.Value)
            : schedule.RemoveAsync(taskId)));
    }

    private static void Apply(ScheduledReminder reminder, IReadOnlyDictionary<string, FieldChange> changes)
    {
        if (changes.TryGetValue("title", out var title) && title.New is not null) reminder.Title = title.New.GetValue<string>();
        if (changes.TryGetValue("due_at", out var dueAt)) reminder.DueAt = ReadInstant(dueAt.New);
        if (changes.TryGetValue("remind_at", out var remindAt)) reminder.RemindAt = ReadInstant(remindAt.New);
        if (changes.TryGetValue("status", out var status)) reminder.IsCompleted = status.New?.GetValue<string>() == "completed";
    }

    private static DateTimeOffset? ReadInstant(JsonNode? value) => value?.Deserialize<DateTimeOffset>(EventJson.Options);
}
