using System.Text.Json;
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
public sealed class RecurringTaskService(WorkersDbContext db, ApiTasksClient api) : IBatchEventHandler
{
    public const string ConsumerGroup = "workers-recurring-tasks";

    public Task HandleAsync(ConsumedEvent consumedEvent, CancellationToken cancellationToken) =>
        HandleBatchAsync([consumedEvent], cancellationToken);

    public async Task HandleBatchAsync(IReadOnlyList<ConsumedEvent> consumedEvents, CancellationToken cancellationToken)
    {
        var taskIds = consumedEvents.Select(e => e.Envelope.Data.GetProperty("task_id").GetInt32()).Distinct().ToList();
        // Tracked, so Known() finds them without a query.
        await db.RecurringTasks.Where(t => taskIds.Contains(t.TaskId)).LoadAsync(cancellationToken);
        foreach (var consumedEvent in consumedEvents) await ApplyAsync(consumedEvent.Envelope, cancellationToken);
    }

    /// <summary>The task's row, if it belongs to a series (loaded for the batch, or added by it).</summary>
    private RecurringTask? Known(int taskId) => db.RecurringTasks.Local.FindEntry(taskId)?.Entity;

    private async Task ApplyAsync(EventEnvelope<JsonElement> envelope, CancellationToken cancellationToken)
    {
        switch (envelope.EventType)
        {
            case TaskEventTypes.Created:
                var created = envelope.DataAs<TaskCreatedData>();
                if (created is { SeriesId: { } seriesId, Occurrence: { } occurrence })
                    await RememberAsync(created.TaskId, created.UserId, seriesId, occurrence, created.Recurrence is not null, cancellationToken);
                break;

            case TaskEventTypes.Updated:
                var updated = envelope.DataAs<TaskUpdatedData>();
                var task = Known(updated.TaskId);
                if (updated.Changes.TryGetValue("series_id", out var series) && series.New is not null
                    && updated.Changes.TryGetValue("occurrence", out var number) && number.New is not null)
                {
                    // The task became recurring with this update: it starts a series.
                    task = await RememberAsync(updated.TaskId, updated.UserId, series.New.GetValue<Guid>(), number.New.GetValue<int>(), true, cancellationToken);
                }
                if (task is null) return;
                if (updated.Changes.TryGetValue("recurrence", out var recurrence))
                {
                    task.Repeats = recurrence.New is not null;
                    await db.SaveChangesAsync(cancellationToken);
                }
                if (task.Repeats && updated.Changes.TryGetValue("status", out var status) && status.New?.GetValue<string>() == "completed")
                    await api.CreateNextOccurrenceAsync(task, cancellationToken);
                break;

            case TaskEventTypes.Deleted:
                if (Known(envelope.DataAs<TaskDeletedData>().TaskId) is { } gone)
                {
                    db.RecurringTasks.Remove(gone);
                    await db.SaveChangesAsync(cancellationToken);
                }
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
