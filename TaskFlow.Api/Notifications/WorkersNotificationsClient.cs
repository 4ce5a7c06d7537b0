using System.Net;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Api.Notifications;

public sealed record NotificationResponse(
    Guid NotificationId,
    int TaskId,
    string Title,
    string Message,
    DateTimeOffset? DueAt,
    DateTimeOffset RemindAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ReadAt,
    [property: System.ComponentModel.Description("Webhook delivery: pending | delivered | failed.")] string DeliveryStatus,
    int Attempts,
    string? LastError);

public sealed record WebhookResponse(string Url, DateTimeOffset UpdatedAt);

/// <summary>Notifications and webhook settings live with the Workers' NotificationService; the Api asks for them.</summary>
public sealed class WorkersNotificationsClient(HttpClient http)
{
    public async Task<List<NotificationResponse>> ListAsync(string userId, bool? unread, int limit, CancellationToken cancellationToken)
    {
        var query = $"?limit={limit}" + (unread is { } u ? $"&unread={(u ? "true" : "false")}" : "");
        return await http.GetFromJsonAsync<List<NotificationResponse>>(UserPath(userId, "notifications" + query), EventJson.Options, cancellationToken) ?? [];
    }

    public Task<NotificationResponse?> GetAsync(string userId, Guid notificationId, CancellationToken cancellationToken) =>
        ReadOrNullAsync<NotificationResponse>(http.GetAsync(UserPath(userId, $"notifications/{notificationId}"), cancellationToken), cancellationToken);

    public Task<NotificationResponse?> MarkReadAsync(string userId, Guid notificationId, CancellationToken cancellationToken) =>
        ReadOrNullAsync<NotificationResponse>(http.PostAsync(UserPath(userId, $"notifications/{notificationId}/read"), null, cancellationToken), cancellationToken);

    public Task<WebhookResponse?> GetWebhookAsync(string userId, CancellationToken cancellationToken) =>
        ReadOrNullAsync<WebhookResponse>(http.GetAsync(UserPath(userId, "webhook"), cancellationToken), cancellationToken);

    public async Task<WebhookResponse> PutWebhookAsync(string userId, Uri url, string secret, CancellationToken cancellationToken) =>
        (await ReadOrNullAsync<WebhookResponse>(
            http.PutAsJsonAsync(UserPath(userId, "webhook"), new { url = url.ToString(), secret }, EventJson.Options, cancellationToken),
            cancellationToken))!;

    public async Task DeleteWebhookAsync(string userId, CancellationToken cancellationToken) =>
        (await http.DeleteAsync(UserPath(userId, "webhook"), cancellationToken)).EnsureSuccessStatusCode();

    private static string UserPath(string userId, string rest) => $"/internal/users/{Uri.EscapeDataString(userId)}/{rest}";

    private static async Task<T?> ReadOrNullAsync<T>(Task<HttpResponseMessage> send, CancellationToken cancellationToken) where T : class
    {
        using var response = await send;
        if (response.StatusCode == HttpStatusCode.NotFound) return null;
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<T>(EventJson.Options, cancellationToken);
    }
}
