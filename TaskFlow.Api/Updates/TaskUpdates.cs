using TaskFlow.Api.Data;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Outbox;

namespace TaskFlow.Api.Updates;

/// <summary>
/// The Api's event types on <c>task-updates</c> (key = user_id): what a client needs to redraw, not an audit record.
/// Other services publish there too (e.g. <c>notification.created</c>); clients get every envelope for their user.
/// </summary>
public static class TaskUpdateTypes
{
    /// <summary>A task was created or changed; <c>data.task</c> is the task as it now is.</summary>
    public const string Changed = "task.changed";

    /// <summary>A task was deleted; <c>data</c> has only its id.</summary>
    public const string Removed = "task.removed";
}

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
