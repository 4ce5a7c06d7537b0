using Microsoft.EntityFrameworkCore;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Recurring;

/// <summary>
/// When an occurrence of a recurring task is completed, asks the Api to create the next one. The Idempotency-Key is
/// derived from the series and the next occurrence's number, so a redelivered event, a crash between the call and
/// the offset commit, two Workers replicas, or completing the task again after reopening it all land on the same
/// key, and the Api creates the next task once. A consumed batch reads the rows of its tasks once; most tasks do not
/// repeat and cost nothing more.
/// </summary>
public sealed class RecurringTaskService(WorkersDbContext db, ApiTasksClient api) : IBatchEventHandler<TaskEventData>
{
    public const string ConsumerGroup = "workers-recurring-tasks";

    public Task HandleAsync(ConsumedEvent<TaskEventData> consumedEvent, CancellationToken cancellationToken) =>
        HandleBatchAsync([consumedEvent], cancellationToken);

    public async Task HandleBatchAsync(IReadOnlyList<ConsumedEvent<TaskEventData>> consumedEvents, CancellationToken cancellationToken)
    {
        var taskIds = consumedEvents.Select(e => e.Data.TaskId).Distinct().ToList();
        // Tracked, so Known() finds them without a query.
        await db.RecurringTasks.Where(t => taskIds.Contains(t.TaskId)).LoadAsync(cancellationToken);
        foreach (var consumedEvent in consumedEvents) await ApplyAsync(consumedEvent.Data, cancellationToken);
    }

    /// <summary>The task's row, if it belongs to a series (loaded for the batch, or added by it).</summary>
    private RecurringTask? Known(int taskId) => db.RecurringTasks.Local.FindEntry(taskId)?.Entity;

    private async Task ApplyAsync(TaskEventData data, CancellationToken cancellationToken)
    {
        switch (data)
        {
            case TaskCreatedData { SeriesId: { } seriesId, Occurrence: { } occurrence } created:
                await RememberAsync(created.TaskId, created.UserId, seriesId, occurrence, created.Recurrence is not null, cancellationToken);
                break;

            case TaskUpdatedData updated:
                var task = Known(updated.TaskId);
                if (updated.ChangeOf(TaskEventFields.SeriesId) is { New: { } newSeries }
                    && updated.ChangeOf(TaskEventFields.Occurrence) is { New: { } number })
                {
                    // The task became recurring with this update: it starts a series.
                    task = await RememberAsync(updated.TaskId, updated.UserId, newSeries, number, true, cancellationToken);
                }
                if (task is null) return;
                if (updated.ChangeOf(TaskEventFields.Recurrence) is { } recurrence)
                {
                    task.Repeats = recurrence.New is not null;
                    await db.SaveChangesAsync(cancellationToken);
                }
                if (task.Repeats && updated.ChangeOf(TaskEventFields.Status) is { New: TaskEventStatus.Completed })
                    await api.CreateNextOccurrenceAsync(task, cancellationToken);
                break;

            case TaskDeletedData deleted when Known(deleted.TaskId) is { } gone:
                db.RecurringTasks.Remove(gone);
                await db.SaveChangesAsync(cancellationToken);
                break;
        }
    }

    private async Task<RecurringTask> RememberAsync(int taskId, string userId, Guid seriesId, int occurrence, bool repeats, CancellationToken cancellationToken)
    {
        var task = Known(taskId);
        if (task is null)
        {
            task = new RecurringTask { TaskId = taskId, UserId = userId, SeriesId = seriesId, Occurrence = occurrence };
            db.RecurringTasks.Add(task);
        }
        task.SeriesId = seriesId;
        task.Occurrence = occurrence;
        task.Repeats = repeats;
        await db.SaveChangesAsync(cancellationToken);
        return task;
    }
}
