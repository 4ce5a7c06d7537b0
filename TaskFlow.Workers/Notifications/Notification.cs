namespace TaskFlow.Workers.Notifications;

public enum DeliveryStatus { Pending, Delivered, Failed }

/// <summary>A reminder delivered to a user: always in the app, and to their webhook when they have one.</summary>
public sealed class Notification
{
    public required Guid Id { get; init; }
    public required string UserId { get; init; }
    public required int TaskId { get; init; }
    /// <summary>The reminder.due event this came from: unique, so a redelivered reminder adds nothing.</summary>
    public required Guid ReminderEventId { get; init; }
    public required string Title { get; init; }
    public required string Message { get; init; }
    public DateTimeOffset? DueAt { get; init; }
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
