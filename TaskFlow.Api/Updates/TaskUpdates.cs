using TaskFlow.Api.Data;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Outbox;

namespace TaskFlow.Api.Updates;

public enum TaskChangeKind { Created, Updated, Deleted }

/// <summary><c>change</c> says what happened; <c>task</c> is null for a deletion.</summary>
public sealed record TaskUpdateData(string UserId, int TaskId, TaskChangeKind Change, TaskResponse? Task);

public static class TaskUpdates
{
    /// <summary>
    /// Adds the live-sync message for a task write to the outbox, beside its task-events one: it is published only
    /// once the write commits, so a client never sees a change that did not happen.
    /// </summary>
    public static void EnqueueTaskUpdate(this ApiDbContext db, TaskItem task, TaskChangeKind change, TimeProvider clock) =>
        db.EnqueueEvent(Topics.TaskUpdates, task.UserId, EventEnvelope.Create(
            change == TaskChangeKind.Deleted ? TaskUpdateTypes.Removed : TaskUpdateTypes.Changed,
            new TaskUpdateData(task.UserId, task.Id, change, change == TaskChangeKind.Deleted ? null : task.ToResponse()),
            clock));
}
