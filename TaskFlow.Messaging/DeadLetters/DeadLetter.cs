using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace TaskFlow.Messaging.DeadLetters;

/// <summary>
/// Where a dead letter sits: its dead-letter topic, partition and offset. Written <c>task-events.dlq/1/42</c> (a topic
/// name has no slash), the form the CLI, the internal endpoints, JSON and the logs use.
/// </summary>
[JsonConverter(typeof(DeadLetterIdJsonConverter))]
public readonly record struct DeadLetterId(string Topic, int Partition, long Offset)
{
    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Topic}/{Partition}/{Offset}");

    public static bool TryParse(string? text, [NotNullWhen(true)] out DeadLetterId? id)
    {
        id = null;
        var parts = text?.Split('/') ?? [];
        if (parts.Length != 3 || Topics.Find(parts[0])?.DeadLetterName != parts[0]
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var partition)
            || !long.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
            return false;
        id = new DeadLetterId(parts[0], partition, offset);
        return true;
    }
}

/// <summary>A <see cref="DeadLetterId"/> in JSON: its text form.</summary>
public sealed class DeadLetterIdJsonConverter : JsonConverter<DeadLetterId>
{
    public override DeadLetterId Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DeadLetterId.TryParse(reader.GetString(), out var id) ? id.Value : throw new JsonException("Not a dead letter's id (such as task-events.dlq/1/42).");

    public override void Write(Utf8JsonWriter writer, DeadLetterId value, JsonSerializerOptions options) => writer.WriteStringValue(value.ToString());
}

/// <summary>
/// A message a consumer gave up on, as an operator sees it: what it is (read from its envelope where it has one),
/// where it came from, why it was parked and when. Messages parked by a Dapr sidecar carry no error headers; their
/// error says so.
/// </summary>
public sealed record DeadLetter(
    DeadLetterId Id,
    string SourceTopic,
    string? Key,
    Guid? EventId,
    string? EventType,
    string? EventVersion,
    string Error,
    string? ErrorType,
    string? ConsumerGroup,
    int? Attempts,
    DateTimeOffset FirstFailedAt,
    DateTimeOffset ParkedAt,
    string Payload);
