using System.Globalization;
using System.Net;

namespace TaskFlow.Workers.Recurring;

/// <summary>The Api's internal task endpoints, through service discovery, with the internal key.</summary>
public sealed class ApiTasksClient(HttpClient http)
{
    public async Task CreateNextOccurrenceAsync(RecurringTask task, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post,
            $"/internal/tasks/{task.TaskId}/next-occurrence?user_id={Uri.EscapeDataString(task.UserId)}");
        request.Headers.Add("Idempotency-Key", $"series-{task.SeriesId:N}-occurrence-{(task.Occurrence + 1).ToString(CultureInfo.InvariantCulture)}");
        using var response = await http.SendAsync(request, cancellationToken);
        // 404: the task was deleted meanwhile; nothing to continue.
        if (response.StatusCode != HttpStatusCode.NotFound) response.EnsureSuccessStatusCode();
    }
}
