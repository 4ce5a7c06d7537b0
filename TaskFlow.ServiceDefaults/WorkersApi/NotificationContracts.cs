using System.ComponentModel;

namespace TaskFlow.ServiceDefaults.WorkersApi;

/// <summary>A notification as its user sees it: the Workers' internal endpoint answers it and the Api passes it on.</summary>
public sealed record NotificationView(
    Guid NotificationId,
    int TaskId,
    string Title,
    string Message,
    DateTimeOffset? DueAt,
    DateTimeOffset RemindAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReadAt,
    [property: Description("Webhook delivery: pending | delivered | failed.")] string DeliveryStatus,
    int Attempts,
    string? LastError);

/// <summary>A user's webhook as shown back (never with its secret).</summary>
public sealed record WebhookView(string Url, DateTimeOffset UpdatedAt);

/// <summary>What the Api hands the Workers when a user sets their webhook.</summary>
public sealed record WebhookSettings(string Url, string Secret);
