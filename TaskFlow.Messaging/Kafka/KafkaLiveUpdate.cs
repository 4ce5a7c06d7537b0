using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.LiveFeed;

namespace TaskFlow.Messaging.Kafka;

/// <summary>One envelope from <c>task-updates</c>: where it was read, and the feed's position right after it.</summary>
public sealed class KafkaLiveUpdate(int partition, long offset, PartitionOffsets after, string envelope) : LiveUpdate(after, envelope)
{
    public int Partition => partition;

    public long Offset => offset;

    /// <summary>
    /// The route and envelope of a <c>task-updates</c> message (unwrapped when the Dapr transport put it in a
    /// CloudEvent); null when it is no envelope or names nobody.
    /// </summary>
    public static (LiveRoute Route, string Envelope)? Read(ConsumeResult<string, byte[]> result)
    {
        try
        {
            var envelope = EventEnvelope.Parse(result.Message.Value);
            return LiveRoute.Of(envelope, result.Message.Key) is { } route
                ? (route, Encoding.UTF8.GetString(CloudEvents.Unwrap(result.Message.Value)))
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
