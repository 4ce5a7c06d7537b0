namespace TaskFlow.Workers.Notifications;

public enum DeliveryStatus { Pending, Delivered, Failed }

/// <summary>A reminder (or an assignment) delivered to a user: always in the app, and to their webhook when they have one.</summary>
public sealed class Notification
{
    public required Guid Id { get; init; }
    public required string UserId { get; init; }
    public required int TaskId { get; init; }
    /// <summary>The event this came from (reminder.due, or the task event that assigned the task): unique, so a redelivered one adds nothing.</summary>
    public required Guid ReminderEventId { get; init; }
    public required string Title { get; init; }
    public required string Message { get; init; }
    public DateTimeOffset? DueAt { get; init; }
    /// <summary>When the reminder was due (for an assignment: when it was made).</summary>
    public required DateTimeOffset RemindAt { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ReadAt { get; set; }
    /// <summary>Webhook delivery; Delivered at once when the user has no webhook (the app itself is the channel).</summary>
    public DeliveryStatus DeliveryStatus { get; set; }
    public int Attempts { get; set; }
    public DateTimeOffset? NextAttemptAt { get; set; }
    public DateTimeOffset? DeliveredAt { get; set; }
    public string? LastError { get; set; }
}

/// <summary>Where a user wants notifications POSTed, and the secret their signature is made with.</summary>
public sealed class WebhookSubscription
{
    public required string UserId { get; init; }
    public required string Url { get; set; }
    public required string Secret { get; set; }
    public required DateTimeOffset UpdatedAt { get; set; }
}
