using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Events;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Notifications;

/// <summary>
/// Tells a member that a task was assigned to them (by someone else: assigning oneself says nothing): one notification,
/// in the app and through their own webhook. The task event's id is the notification's source, held unique: a
/// redelivered assignment adds nothing.
/// </summary>
public sealed class AssignmentNotifier(WorkersDbContext db, TimeProvider clock) : IEventHandler<TaskEventData>
{
    public const string ConsumerGroup = "workers-assignments";

    public async Task HandleAsync(ConsumedEvent<TaskEventData> consumedEvent, CancellationToken cancellationToken)
    {
        var (assignee, title) = consumedEvent.Data switch
        {
            TaskCreatedData created => (created.AssigneeId, created.Title),
            TaskUpdatedData updated => (updated.ChangeOf(TaskEventFields.AssigneeId)?.New, updated.Title ?? updated.ChangeOf(TaskEventFields.Title)?.New),
            _ => (null, null),
        };
        if (assignee is null || assignee == consumedEvent.Data.ActorId) return;

        var taskId = consumedEvent.Data.TaskId;
        // Events from before task.updated carried the title name the task by its id.
        title ??= $"task {taskId}";
        await db.RecordAsync(new NotificationDraft(
            SourceEventId: consumedEvent.Envelope.EventId,
            UserId: assignee,
            TaskId: taskId,
            Title: title,
            Message: $"\"{title}\" was assigned to you.",
            DueAt: null,
            RemindAt: clock.GetUtcNow()), clock, cancellationToken);
    }
}
