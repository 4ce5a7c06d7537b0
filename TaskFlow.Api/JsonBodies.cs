using System.Text.Json;

namespace TaskFlow.Api;

public static class JsonBodies
{
    /// <summary>
    /// The request body as a JSON object whose every string can be read, for endpoints that check each field
    /// themselves and name the ones that are wrong. Otherwise null, with the problem added to
    /// <paramref name="errors"/>: "body" when it is not a JSON object (malformed, another JSON value, not valid UTF-8;
    /// <paramref name="expected"/> shows what to send), or the property holding a lone surrogate escape.
    /// </summary>
    public static async Task<JsonElement?> ReadObjectAsync(HttpRequest request, string expected, Dictionary<string, string[]> errors, CancellationToken cancellationToken)
    {
        JsonElement body;
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            body = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            body = default;
        }
        if (body.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = [$"Send {expected} as JSON."];
            return null;
        }
        if (StorableText.UndecodableProperty(body) is { } undecodable)
        {
            errors[undecodable] = [StorableText.LoneSurrogateProblem(undecodable)];
            return null;
        }
        return body;
    }
}
