using TaskFlow.Api.Data;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Outbox;

namespace TaskFlow.Api.Updates;

public enum TaskChangeKind { Created, Updated, Deleted }

/// <summary>
/// <c>change</c> says what happened; <c>task</c> is null for a deletion. Every member of <c>list_id</c> receives it;
/// <c>user_id</c> is who created the task.
/// </summary>
public sealed record TaskUpdateData(string UserId, int TaskId, TaskChangeKind Change, TaskResponse? Task, int? ListId = null);

public static class TaskUpdates
{
    /// <summary>
    /// Adds the live-sync message for a task write to the outbox, beside its task-events one: it is published only
    /// once the write commits, so a client never sees a change that did not happen. Keyed by the task's list, so it
    /// stays in order with the list's membership changes (<see cref="ListEventTypes"/>).
    /// </summary>
    public static void EnqueueTaskUpdate(this ApiDbContext db, TaskItem task, TaskChangeKind change, TimeProvider clock) =>
        db.EnqueueEvent(Topics.TaskUpdates, task.ListId.ToString(System.Globalization.CultureInfo.InvariantCulture), EventEnvelope.Create(
            change == TaskChangeKind.Deleted ? TaskUpdateTypes.Removed : TaskUpdateTypes.Changed,
            new TaskUpdateData(UserId: task.UserId, TaskId: task.Id, Change: change, Task: change == TaskChangeKind.Deleted ? null : task.ToResponse(), ListId: task.ListId),
            clock));
}
