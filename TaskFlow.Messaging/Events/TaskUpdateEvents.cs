namespace TaskFlow.Messaging.Events;

/// <summary>
/// The Api's event types on <c>task-updates</c> (key = user_id): what a client needs to redraw, not an audit record.
/// Other services publish there too (<c>notification.created</c>); clients get every envelope for their user. Their
/// data record (the task as the REST API shows it) belongs to the Api.
/// </summary>
public static class TaskUpdateTypes
{
    /// <summary>A task was created or changed; <c>data.task</c> is the task as it now is.</summary>
    public const string Changed = "task.changed";

    /// <summary>A task was deleted; <c>data</c> has only its id.</summary>
    public const string Removed = "task.removed";
}
