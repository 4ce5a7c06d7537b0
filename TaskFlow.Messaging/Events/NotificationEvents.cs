namespace TaskFlow.Messaging.Events;

public static class NotificationEventTypes
{
    /// <summary>On <c>task-updates</c> (key = user_id) when a notification is stored for a user.</summary>
    public const string Created = "notification.created";
}

public sealed record NotificationCreatedData(
    Guid NotificationId,
    string UserId,
    int TaskId,
    string Title,
    string Message,
    DateTimeOffset? DueAt,
    DateTimeOffset RemindAt,
    DateTimeOffset CreatedAt);
