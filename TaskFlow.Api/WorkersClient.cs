using System.Net;
using TaskFlow.Messaging.Events;
using TaskFlow.ServiceDefaults.WorkersApi;

namespace TaskFlow.Api;

/// <summary>
/// The Workers' internal endpoints, through service discovery with the internal key: audit history, notifications
/// and webhook settings live with the Workers, and the Api never reads their database.
/// </summary>
public sealed class WorkersClient(HttpClient http)
{
    /// <summary>
    /// The events the audit recorded for this task, oldest first; empty when there are none. Who may see them is the
    /// Api's to decide (<see cref="Tasks.TaskService.HistoryAsync"/>).
    /// </summary>
    public async Task<IReadOnlyList<TaskHistoryEntry>> GetHistoryAsync(int taskId, CancellationToken cancellationToken) =>
        await ReadOrNullAsync<List<TaskHistoryEntry>>(http.GetAsync($"/internal/audit/tasks/{taskId}/history", cancellationToken), cancellationToken) ?? [];

    public async Task<List<NotificationView>> ListAsync(string userId, bool? unread, int limit, CancellationToken cancellationToken)
    {
        var query = $"?limit={limit}" + (unread is { } u ? $"&unread={(u ? "true" : "false")}" : "");
        return await http.GetFromJsonAsync<List<NotificationView>>(UserPath(userId, "notifications" + query), EventJson.Options, cancellationToken) ?? [];
    }

    public Task<NotificationView?> GetAsync(string userId, Guid notificationId, CancellationToken cancellationToken) =>
        ReadOrNullAsync<NotificationView>(http.GetAsync(UserPath(userId, $"notifications/{notificationId}"), cancellationToken), cancellationToken);

    public Task<NotificationView?> MarkReadAsync(string userId, Guid notificationId, CancellationToken cancellationToken) =>
        ReadOrNullAsync<NotificationView>(http.PostAsync(UserPath(userId, $"notifications/{notificationId}/read"), null, cancellationToken), cancellationToken);

    public Task<WebhookView?> GetWebhookAsync(string userId, CancellationToken cancellationToken) =>
        ReadOrNullAsync<WebhookView>(http.GetAsync(UserPath(userId, "webhook"), cancellationToken), cancellationToken);

    public async Task<WebhookView> PutWebhookAsync(string userId, Uri url, string secret, CancellationToken cancellationToken) =>
        (await ReadOrNullAsync<WebhookView>(
            http.PutAsJsonAsync(UserPath(userId, "webhook"), new WebhookSettings(url.AbsoluteUri, secret), EventJson.Options, cancellationToken),
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
