using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Webhooks;
using TaskFlow.Workers.Data;
using TaskFlow.Workers.Telemetry;

namespace TaskFlow.Workers.Notifications;

/// <summary>
/// POSTs pending notifications to their user's webhook, signed with HMAC-SHA256 over "timestamp.body"
/// (<see cref="SignatureHeader"/>, <see cref="TimestampHeader"/>), retrying with doubling waits and marking the
/// notification failed after the last attempt. Instances share the work: each claims rows with SKIP LOCKED.
/// </summary>
public sealed partial class WebhookDeliveryService(
    IServiceScopeFactory scopes,
    WebhookClient webhookClient,
    IOptions<WebhookOptions> options,
    TimeProvider clock,
    ILogger<WebhookDeliveryService> logger) : BackgroundService
{
    public const string SignatureHeader = "X-TaskFlow-Signature";
    public const string TimestampHeader = "X-TaskFlow-Timestamp";
    public const string EventHeader = "X-TaskFlow-Event";
    public const string DeliveryHeader = "X-TaskFlow-Delivery";

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(250);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await DeliverBatchAsync(stoppingToken) > 0) continue;
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogLoopFailed(logger, exception);
            }
            await Task.Delay(PollInterval, clock, stoppingToken);
        }
    }

    private async Task<int> DeliverBatchAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkersDbContext>();
        var now = clock.GetUtcNow();
        var lease = now + options.Value.RequestTimeout * 2;
        // Claim: push next_attempt_at out by a lease, so no other instance picks these rows while we deliver.
        var due = await db.Notifications
            .FromSql($"""
                UPDATE notifications SET next_attempt_at = {lease}
                WHERE id IN (
                    SELECT id FROM notifications
                    WHERE delivery_status = 'Pending' AND next_attempt_at <= {now}
                    ORDER BY next_attempt_at
                    LIMIT 20
                    FOR UPDATE SKIP LOCKED)
                RETURNING *
                """)
            .AsNoTracking()
            .ToListAsync(cancellationToken);
        if (due.Count == 0) return 0;

        var userIds = due.Select(n => n.UserId).Distinct().ToList();
        var webhooks = await db.Webhooks.AsNoTracking().Where(w => userIds.Contains(w.UserId)).ToDictionaryAsync(w => w.UserId, cancellationToken);
        await Task.WhenAll(due.Select(async notification =>
        {
            var error = webhooks.TryGetValue(notification.UserId, out var webhook)
                ? await PostAsync(notification, webhook, cancellationToken)
                : "The user removed their webhook.";
            Record(notification, error);
        }));

        db.Notifications.UpdateRange(due);
        await db.SaveChangesAsync(cancellationToken);
        return due.Count;
    }

    /// <returns>null when the receiver accepted it (2xx), else what went wrong.</returns>
    private async Task<string?> PostAsync(Notification notification, WebhookSubscription webhook, CancellationToken cancellationToken)
    {
        var body = JsonSerializer.Serialize(new NotificationCreatedData(notification.Id, notification.UserId, notification.TaskId,
            notification.Title, notification.Message, notification.DueAt, notification.RemindAt, notification.CreatedAt), EventJson.Options);
        var timestamp = clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

        using var request = new HttpRequestMessage(HttpMethod.Post, webhook.Url) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        request.Headers.Add(SignatureHeader, Sign(webhook.Secret, timestamp, body));
        request.Headers.Add(TimestampHeader, timestamp);
        request.Headers.Add(EventHeader, NotificationEventTypes.Created);
        request.Headers.Add(DeliveryHeader, notification.Id.ToString());
        return await webhookClient.SendAsync(request, cancellationToken);
    }

    /// <summary>"sha256=" + hex HMAC-SHA256 of "{timestamp}.{body}" with the user's secret.</summary>
    public static string Sign(string secret, string timestamp, string body) =>
        "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));

    private void Record(Notification notification, string? error)
    {
        var now = clock.GetUtcNow();
        notification.Attempts++;
        if (error is null)
        {
            notification.DeliveryStatus = DeliveryStatus.Delivered;
            notification.DeliveredAt = now;
            notification.NextAttemptAt = null;
            notification.LastError = null;
            WorkersMetrics.RecordWebhookDelivery(WebhookOutcome.Delivered);
            return;
        }
        notification.LastError = error;
        if (notification.Attempts >= options.Value.MaxAttempts)
        {
            notification.DeliveryStatus = DeliveryStatus.Failed;
            notification.NextAttemptAt = null;
            LogGaveUp(logger, notification.Id, notification.Attempts, error);
            WorkersMetrics.RecordWebhookDelivery(WebhookOutcome.Failed);
            return;
        }
        notification.NextAttemptAt = now + RetryDelay.Doubling(options.Value.FirstRetryDelay, notification.Attempts);
        LogRetrying(logger, notification.Id, notification.Attempts, error);
        WorkersMetrics.RecordWebhookDelivery(WebhookOutcome.Retrying);
    }

    [LoggerMessage(LogLevel.Warning, "Webhook delivery of notification {NotificationId} failed (attempt {Attempts}): {Error} Retrying.")]
    private static partial void LogRetrying(ILogger logger, Guid notificationId, int attempts, string error);

    [LoggerMessage(LogLevel.Warning, "Webhook delivery of notification {NotificationId} failed for good after {Attempts} attempts: {Error}")]
    private static partial void LogGaveUp(ILogger logger, Guid notificationId, int attempts, string error);

    [LoggerMessage(LogLevel.Error, "The webhook delivery loop failed; retrying.")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
