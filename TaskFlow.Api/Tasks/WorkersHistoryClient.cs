using System.Net;

namespace TaskFlow.Api.Tasks;

/// <summary>Asks the Workers' audit service for a task's history (the Api never reads the Workers' database).</summary>
public sealed class WorkersHistoryClient(HttpClient http)
{
    /// <summary>The events the audit recorded for this task and user, oldest first; empty when there are none.</summary>
    public async Task<IReadOnlyList<TaskHistoryEntry>> GetHistoryAsync(int taskId, string userId, CancellationToken cancellationToken)
    {
        using var response = await http.GetAsync(
            $"/internal/audit/tasks/{taskId}/history?user_id={Uri.EscapeDataString(userId)}", cancellationToken);
        if (response.StatusCode == HttpStatusCode.NotFound) return [];
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<List<TaskHistoryEntry>>(Messaging.Events.EventJson.Options, cancellationToken) ?? [];
    }
}
