using Microsoft.EntityFrameworkCore;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Reminders;

/// <summary>
/// Keeps the reminder schedule in step with task-events: a new or moved reminder is (re)scheduled, a completed or
/// deleted task's reminder is cancelled, and a reminder follows the task's assignee (else its creator). The database rows are written first; Redis follows them. A consumed batch is
/// one read of the rows it touches, one upsert, one delete, and one round of Redis updates; a task that had no
/// reminder before the batch and has none after it costs Redis nothing (most tasks never have one).
/// </summary>
public sealed class ReminderScheduleUpdater(WorkersDbContext db, ReminderSchedule schedule) : IBatchEventHandler<TaskEventData>
{
    public const string ConsumerGroup = "workers-reminder-scheduler";

    public Task HandleAsync(ConsumedEvent<TaskEventData> consumedEvent, CancellationToken cancellationToken) =>
        HandleBatchAsync([consumedEvent], cancellationToken);

    public async Task HandleBatchAsync(IReadOnlyList<ConsumedEvent<TaskEventData>> consumedEvents, CancellationToken cancellationToken)
    {
        var taskIds = consumedEvents.Select(e => e.Data.TaskId).Distinct().ToList();
        var reminders = await db.Reminders.AsNoTracking().Where(r => taskIds.Contains(r.TaskId)).ToDictionaryAsync(r => r.TaskId, cancellationToken);
        var pendingBefore = reminders.Values.Where(r => r.IsPending).Select(r => r.TaskId).ToHashSet();
        var changed = new HashSet<int>();
        var deleted = new HashSet<int>();

        // In topic order: a task's events within the batch apply one after another to its row.
        foreach (var consumedEvent in consumedEvents)
        {
            switch (consumedEvent.Data)
            {
                case TaskCreatedData created:
                    if (!reminders.TryGetValue(created.TaskId, out var reminder))
                        reminders[created.TaskId] = reminder = new ScheduledReminder { TaskId = created.TaskId, UserId = created.UserId, Title = created.Title };
                    reminder.Title = created.Title;
                    reminder.UserId = created.UserId;
                    reminder.AssigneeId = created.AssigneeId;
                    reminder.DueAt = created.DueAt;
                    reminder.RemindAt = created.RemindAt;
                    reminder.IsCompleted = created.Status == TaskEventStatus.Completed;
                    changed.Add(created.TaskId);
                    deleted.Remove(created.TaskId);
                    break;

                case TaskUpdatedData updated:
                    // A task created before the scheduler existed has no row; it gains one on its next task.created.
                    if (reminders.TryGetValue(updated.TaskId, out var existing))
                    {
                        Apply(existing, updated);
                        changed.Add(updated.TaskId);
                    }
                    break;

                case TaskDeletedData { TaskId: var taskId }:
                    if (reminders.Remove(taskId)) deleted.Add(taskId);
                    changed.Remove(taskId);
                    break;
            }
        }

        await SaveAsync(changed.Select(id => reminders[id]).ToList(), [.. deleted], cancellationToken);
        await Task.WhenAll(taskIds.Select(taskId => reminders.TryGetValue(taskId, out var reminder) && reminder.IsPending
                ? schedule.PutAsync(taskId, reminder.RemindAt!.Value)
                : pendingBefore.Contains(taskId) ? schedule.RemoveAsync(taskId) : Task.CompletedTask));
    }

    /// <summary>
    /// Upserts the changed rows and deletes the deleted ones, one statement each. The upsert leaves
    /// <c>fired_remind_at</c> alone: only the firing service sets it.
    /// </summary>
    private async Task SaveAsync(List<ScheduledReminder> changed, int[] deleted, CancellationToken cancellationToken)
    {
        if (changed.Count > 0)
        {
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO scheduled_reminders (task_id, user_id, assignee_id, title, due_at, remind_at, is_completed)
                SELECT * FROM unnest({changed.Select(r => r.TaskId).ToArray()}, {changed.Select(r => r.UserId).ToArray()},
                                     {changed.Select(r => r.AssigneeId).ToArray()},
                                     {changed.Select(r => r.Title).ToArray()}, {changed.Select(r => r.DueAt?.ToUniversalTime()).ToArray()},
                                     {changed.Select(r => r.RemindAt?.ToUniversalTime()).ToArray()}, {changed.Select(r => r.IsCompleted).ToArray()})
                ON CONFLICT (task_id) DO UPDATE SET user_id = excluded.user_id, assignee_id = excluded.assignee_id, title = excluded.title,
                    due_at = excluded.due_at, remind_at = excluded.remind_at, is_completed = excluded.is_completed
                """, cancellationToken);
        }
        if (deleted.Length > 0)
            await db.Database.ExecuteSqlAsync($"DELETE FROM scheduled_reminders WHERE task_id = ANY({deleted})", cancellationToken);
    }

    private static void Apply(ScheduledReminder reminder, TaskUpdatedData updated)
    {
        // user_id is the task's creator as of this update: it moves to the list's owner when its creator leaves.
        reminder.UserId = updated.UserId;
        if (updated.ChangeOf(TaskEventFields.AssigneeId) is { } assignee) reminder.AssigneeId = assignee.New;
        if (updated.ChangeOf(TaskEventFields.Title) is { } title) reminder.Title = title.New;
        if (updated.ChangeOf(TaskEventFields.DueAt) is { } dueAt) reminder.DueAt = dueAt.New;
        if (updated.ChangeOf(TaskEventFields.RemindAt) is { } remindAt) reminder.RemindAt = remindAt.New;
        if (updated.ChangeOf(TaskEventFields.Status) is { } status) reminder.IsCompleted = status.New == TaskEventStatus.Completed;
    }
}
