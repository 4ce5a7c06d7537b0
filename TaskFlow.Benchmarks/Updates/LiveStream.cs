using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace TaskFlow.Benchmarks.Updates;

/// <summary>One client's <c>GET /api/updates</c> stream, read as a browser's EventSource would, for the benchmarks.</summary>
public static class LiveStream
{
    /// <summary>
    /// Reads the stream until cancelled, handing the number N of each task.changed whose title is "change N" to
    /// <paramref name="onChange"/>. <paramref name="ready"/> completes at the stream's <c>ready</c> event, or fails with
    /// <see cref="StreamRefusedException"/> when the Api answers with an error instead (then this returns).
    /// </summary>
    /// <param name="accessToken">Sent as the bearer token; null when <paramref name="client"/> carries one itself.</param>
    public static async Task ReadAsync(HttpClient client, string? accessToken, TaskCompletionSource ready, Action<int> onChange, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/updates");
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            if (accessToken is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                ready.TrySetException(new StreamRefusedException(response.StatusCode));
                return;
            }
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(cancellationToken));
            string? eventType = null;
            while (await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                if (line.StartsWith("event: ", StringComparison.Ordinal)) eventType = line[7..];
                else if (line.Length == 0) eventType = null;
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    if (eventType == "ready") ready.TrySetResult();
                    else if (eventType is null && JsonNode.Parse(line[6..]) is { } envelope && envelope["event_type"]?.GetValue<string>() == "task.changed"
                             && envelope["data"]?["task"]?["title"]?.GetValue<string>() is { } title && title.StartsWith("change ", StringComparison.Ordinal))
                        onChange(int.Parse(title[7..], System.Globalization.CultureInfo.InvariantCulture));
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            ready.TrySetException(exception);
            throw;
        }
    }
}

/// <summary>The Api answered the stream's request with <paramref name="status"/> (e.g. 429 past a stream cap).</summary>
public sealed class StreamRefusedException(HttpStatusCode status) : Exception($"the stream was refused: {(int)status} {status}")
{
    public HttpStatusCode Status => status;
}
