using System.Net;
using System.Text.Json.Nodes;
using TaskFlow.Messaging.Dapr;

namespace TaskFlow.Api.Chat;

/// <summary>
/// The sidecar's <c>statestore</c> component (transport dapr), through Dapr's state HTTP API: reads return an ETag,
/// writes send it back with first-write concurrency, and a stale ETag is answered 409.
/// </summary>
public sealed class DaprConversationStateStore(IHttpClientFactory httpClients) : IConversationStateStore
{
    private static readonly string StatePath = $"/v1.0/state/{DaprSidecar.StateStoreName}";

    public async Task<StoredState?> ReadAsync(string key, CancellationToken cancellationToken)
    {
        using var response = await Sidecar().GetAsync($"{StatePath}/{Uri.EscapeDataString(key)}?consistency=strong", cancellationToken);
        response.EnsureSuccessStatusCode();
        if (response.StatusCode == HttpStatusCode.NoContent) return null;
        // Raw, not the typed ETag: Dapr sends it unquoted and wants exactly that string back.
        var etag = response.Headers.TryGetValues("ETag", out var values) ? values.Single()
            : throw new InvalidOperationException($"The Dapr state store returned {key} without an ETag.");
        return new StoredState(await response.Content.ReadAsByteArrayAsync(cancellationToken), etag);
    }

    /// <summary>
    /// Without an ETag Dapr writes unconditionally; that is only asked for a new conversation, whose key is a fresh
    /// random id nobody else can be writing.
    /// </summary>
    public async Task<bool> TryWriteAsync(string key, byte[] value, string? etag, CancellationToken cancellationToken)
    {
        var item = new JsonObject
        {
            ["key"] = key,
            ["value"] = JsonNode.Parse(value),
            ["options"] = new JsonObject { ["concurrency"] = "first-write", ["consistency"] = "strong" },
        };
        if (etag is not null) item["etag"] = etag;
        using var content = new StringContent(new JsonArray(item).ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await Sidecar().PostAsync(StatePath, content, cancellationToken);
        if (response.StatusCode == HttpStatusCode.Conflict) return false;
        response.EnsureSuccessStatusCode();
        return true;
    }

    private HttpClient Sidecar() => httpClients.CreateClient(DaprSidecar.HttpClientName);
}
