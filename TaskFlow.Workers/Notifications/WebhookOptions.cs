using System.ComponentModel.DataAnnotations;

namespace TaskFlow.Workers.Notifications;

/// <summary>Bound from <c>Notifications:Webhooks</c>.</summary>
public sealed class WebhookOptions
{
    public const string Section = "Notifications:Webhooks";

    /// <summary>Attempts in all, the first included; after the last failure the notification is marked failed.</summary>
    [Range(1, 20)]
    public int MaxAttempts { get; set; } = 4;

    /// <summary>Wait before the second attempt; each later wait doubles.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(1);

    [Range(typeof(TimeSpan), "00:00:01", "00:01:00")]
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(10);
}
