using System.Text.Json;

namespace TaskFlow.Messaging.Events;

/// <summary>
/// Structured-mode CloudEvents 1.0 around our envelope: what the Dapr transport puts on the topic and what daprd
/// posts to a subscription route. The envelope stays the payload, so either transport can read what the other wrote.
/// </summary>
public static class CloudEvents
{
    public const string MediaType = "application/cloudevents+json";

    /// <summary>
    /// The event as a CloudEvent whose <c>id</c> and <c>type</c> are the envelope's, so Dapr, its dead-letter topic
    /// and the dashboard name the event the same way we do.
    /// </summary>
    public static byte[] Wrap(Guid eventId, string eventType, string source, ReadOnlySpan<byte> envelope)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("specversion", "1.0");
            writer.WriteString("id", eventId);
            writer.WriteString("source", source);
            writer.WriteString("type", eventType);
            writer.WriteString("datacontenttype", "application/json");
            writer.WritePropertyName("data");
            writer.WriteRawValue(envelope);
            writer.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>
    /// The payload of a structured CloudEvent (<c>data</c> as JSON or as a JSON string, or <c>data_base64</c> as
    /// daprd sends raw payloads); anything that is not a CloudEvent comes back as it is.
    /// </summary>
    /// <exception cref="JsonException">The input is not JSON, or a CloudEvent without data.</exception>
    public static byte[] Unwrap(byte[] utf8Json)
    {
        using var document = JsonDocument.Parse(utf8Json);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("specversion", out _))
            return utf8Json;

        if (root.TryGetProperty("data_base64", out var base64) && base64.ValueKind == JsonValueKind.String)
            return base64.GetBytesFromBase64();

        return root.TryGetProperty("data", out var data) switch
        {
            true when data.ValueKind == JsonValueKind.String => System.Text.Encoding.UTF8.GetBytes(data.GetString()!),
            true when data.ValueKind is not JsonValueKind.Null => System.Text.Encoding.UTF8.GetBytes(data.GetRawText()),
            _ => throw new JsonException("The CloudEvent carries no data."),
        };
    }
}
