using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.LiveFeed;

namespace TaskFlow.Messaging.Kafka;

/// <summary>One user's envelope from <c>task-updates</c>: where it was read, and the feed's position right after it.</summary>
public sealed class KafkaLiveUpdate(int partition, long offset, PartitionOffsets after, string envelope) : LiveUpdate(after, envelope)
{
    public int Partition => partition;

    public long Offset => offset;

    /// <summary>
    /// The user and envelope of a <c>task-updates</c> message (unwrapped when the Dapr transport put it in a
    /// CloudEvent); null when it is no envelope. The user is <c>data.user_id</c>, else the key.
    /// </summary>
    public static (string UserId, string Envelope)? Read(ConsumeResult<string, byte[]> result)
    {
        try
        {
            var envelope = EventEnvelope.Parse(result.Message.Value);
            var userId = envelope.Data.ValueKind == JsonValueKind.Object
                && envelope.Data.TryGetProperty("user_id", out var user) && user.ValueKind == JsonValueKind.String
                    ? user.GetString()
                    : result.Message.Key;
            return userId is null ? null : (userId, Encoding.UTF8.GetString(CloudEvents.Unwrap(result.Message.Value)));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
