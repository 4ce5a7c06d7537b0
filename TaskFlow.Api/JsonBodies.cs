using System.Text.Json;

namespace TaskFlow.Api;

public static class JsonBodies
{
    /// <summary>
    /// The request body as a JSON object, for endpoints that check each field themselves and name the ones that are
    /// wrong; null when the body is not a JSON object (malformed, another JSON value, or not valid UTF-8).
    /// </summary>
    public static async Task<JsonElement?> ReadObjectAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return document.RootElement.ValueKind == JsonValueKind.Object ? document.RootElement.Clone() : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
