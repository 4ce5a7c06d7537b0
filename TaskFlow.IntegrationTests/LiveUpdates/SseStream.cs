using System.Net.Http.Headers;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.LiveUpdates;

/// <summary>One Server-Sent Event; comments and id-only blocks are not events.</summary>
public sealed record SseEvent(string? Id, string Type, string Data)
{
    public JsonObject Json => JsonNode.Parse(Data)!.AsObject();
}

public static class SecondClientExtensions
{
    /// <summary>Another HTTP client signed in as the same user, like a second device.</summary>
    public static HttpClient SecondClient(this TaskFlowUser user, TaskFlowServices app)
    {
        var client = app.CreateApiClient();
        client.DefaultRequestHeaders.Authorization = user.Http.DefaultRequestHeaders.Authorization;
        return client;
    }
}

/// <summary><c>GET /api/updates</c> read the way an EventSource reads it.</summary>
public sealed class SseStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;
    private Task<string?>? _pendingLine;

    private SseStream(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body);
    }

    /// <summary>Opens the stream with the client's own credentials, and waits for its <c>ready</c> event.</summary>
    public static async Task<(SseStream Stream, List<SseEvent> BeforeReady)> OpenAsync(HttpClient http, string? lastEventId = null, Uri? baseAddress = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, baseAddress is null ? new Uri("/api/updates", UriKind.Relative) : new Uri(baseAddress, "/api/updates"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (http.DefaultRequestHeaders.Authorization is { } authorization) request.Headers.Authorization = authorization;
        if (lastEventId is not null) request.Headers.Add("Last-Event-ID", lastEventId);
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        Assert.True(response.IsSuccessStatusCode, $"GET /api/updates: {(int)response.StatusCode}");
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var stream = new SseStream(response, await response.Content.ReadAsStreamAsync());

        var beforeReady = new List<SseEvent>();
        while (true)
        {
            var next = await stream.NextAsync(TimeSpan.FromSeconds(30));
            if (next.Type == "ready") return (stream, beforeReady);
            beforeReady.Add(next);
        }
    }

    public async Task<SseEvent> NextAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        string? id = null, type = null;
        var data = new List<string>();
        while (true)
        {
            var line = await NextLineAsync(cancellation.Token);
            if (line.Length == 0)
            {
                if (data.Count > 0) return new SseEvent(id, type ?? "message", string.Join('\n', data));
                id = null; type = null;
                continue;
            }
            if (line.StartsWith(':')) continue;
            var colon = line.IndexOf(':');
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..].TrimStart(' ');
            switch (field)
            {
                case "id": id = value; break;
                case "event": type = value; break;
                case "data": data.Add(value); break;
            }
        }
    }

    /// <summary>The text of the next comment line (<c>: ...</c>), skipping whatever comes before it.</summary>
    public async Task<string> NextCommentAsync(TimeSpan timeout)
    {
        using var cancellation = new CancellationTokenSource(timeout);
        while (true)
        {
            var line = await NextLineAsync(cancellation.Token);
            if (line.StartsWith(':')) return line[1..].Trim();
        }
    }

    /// <summary>
    /// The next line. A read that timed out stays pending and is awaited again next time, so no line is lost to a
    /// timeout.
    /// </summary>
    private async Task<string> NextLineAsync(CancellationToken cancellationToken)
    {
        _pendingLine ??= _reader.ReadLineAsync();
        var line = await _pendingLine.WaitAsync(cancellationToken);
        _pendingLine = null;
        return line ?? throw new EndOfStreamException("The server closed the update stream.");
    }

    /// <summary>The next envelope event (skipping none): its type and task id, for compact assertions.</summary>
    public async Task<(string EventType, int? TaskId, string Id)> NextEnvelopeAsync(TimeSpan timeout)
    {
        var next = await NextAsync(timeout);
        Assert.Equal("message", next.Type);
        return Describe(next);
    }

    public static (string EventType, int? TaskId, string Id) Describe(SseEvent sse) =>
        (sse.Json["event_type"]!.GetValue<string>(), sse.Json["data"]?["task_id"]?.GetValue<int>(), sse.Id!);

    public ValueTask DisposeAsync()
    {
        _response.Dispose();
        _reader.Dispose();
        return ValueTask.CompletedTask;
    }
}
