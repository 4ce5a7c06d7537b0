using System.Globalization;
using System.Text;
using System.Text.Json;
using Confluent.Kafka;
using Microsoft.Extensions.Hosting;
using TaskFlow.Messaging.DeadLetters;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// Reads the dead-letter topics and sends a parked message back where it came from, straight on Kafka whatever the
/// transport (a Dapr sidecar parks on the same topics). Reading assigns every partition from its start to the end it
/// has now and joins no group, so it commits nothing and any number of readers may look at once.
/// </summary>
public sealed class KafkaDeadLetters(KafkaClientFactory clients, IHostEnvironment environment) : IDisposable
{
    private readonly Lazy<IProducer<string, byte[]>> _producer = new(() => clients.CreateProducer($"{environment.ApplicationName}-dead-letters"));

    /// <summary>
    /// A parked message as it sits on its topic, what an operator is shown of it, and why a consumer would park it again
    /// at once (not an envelope, no reader for its type or version), or null.
    /// </summary>
    public sealed record Parked(DeadLetter Letter, Message<string, byte[]> Message, string? Unreadable);

    /// <summary>What each partition of a dead-letter topic holds: offsets from <c>Low</c> up to (not including) <c>High</c>.</summary>
    public sealed record PartitionExtent(int Partition, long Low, long High);

    /// <summary>The partitions of <paramref name="deadLetterTopic"/> that hold messages, and which offsets.</summary>
    public IReadOnlyList<PartitionExtent> Extents(string deadLetterTopic, TimeSpan timeout)
    {
        using var reader = clients.CreateReader($"dead-letters-{Guid.NewGuid():N}");
        return Extents(reader, deadLetterTopic, DateTime.UtcNow + timeout);
    }

    /// <summary>Every message on <paramref name="deadLetterTopic"/>, oldest first per partition.</summary>
    /// <exception cref="TimeoutException">The broker did not hand over what it said it has within <paramref name="timeout"/>.</exception>
    public IReadOnlyList<Parked> Read(string deadLetterTopic, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        using var reader = clients.CreateReader($"dead-letters-{Guid.NewGuid():N}");
        var extents = Extents(reader, deadLetterTopic, deadline);
        var parked = new List<Parked>();
        if (extents.Count == 0) return parked;
        var ends = extents.ToDictionary(extent => extent.Partition, extent => extent.High);
        var starts = extents.Select(extent => new TopicPartitionOffset(deadLetterTopic, extent.Partition, extent.Low)).ToList();

        reader.Assign(starts);
        while (ends.Count > 0)
        {
            var result = reader.Consume(Remaining(deadline))
                ?? throw new TimeoutException($"{deadLetterTopic} did not hand over its messages within {timeout.TotalSeconds:0} s; try again.");
            if (result.IsPartitionEOF) continue;
            parked.Add(Describe(result));
            if (result.Offset.Value + 1 >= ends.GetValueOrDefault(result.Partition.Value, long.MaxValue)) ends.Remove(result.Partition.Value);
        }
        return parked.OrderBy(p => p.Letter.Id.Partition).ThenBy(p => p.Letter.Id.Offset).ToList();
    }

    /// <summary>
    /// Sends a parked message back to its source topic with its key, value (so its event id) and headers (so its trace
    /// context), without the parking headers: each consumer group skips it if it handled it before, by event id.
    /// </summary>
    public async Task RedriveAsync(Parked parked, CancellationToken cancellationToken)
    {
        var headers = new Headers();
        foreach (var header in parked.Message.Headers ?? [])
        {
            if (!header.Key.StartsWith(DeadLetterHeaders.Prefix, StringComparison.Ordinal)) headers.Add(header.Key, header.GetValueBytes());
        }
        headers.Add(DeadLetterHeaders.RedrivenFrom, Encoding.UTF8.GetBytes(parked.Letter.Id.ToString()));
        await _producer.Value.ProduceAsync(parked.Letter.SourceTopic,
            new Message<string, byte[]> { Key = parked.Message.Key, Value = parked.Message.Value, Headers = headers }, cancellationToken);
    }

    private static Parked Describe(ConsumeResult<string, byte[]> result)
    {
        var headers = result.Message.Headers;
        var parkedAt = result.Message.Timestamp.UtcDateTime;
        EventEnvelope<JsonElement>? envelope = null;
        string? unreadable = null;
        try
        {
            envelope = EventEnvelope.Parse(result.Message.Value);
        }
        catch (UnsupportedEventVersionException exception)
        {
            (envelope, unreadable) = (exception.Envelope, exception.Message);
        }
        catch (JsonException exception)
        {
            // Not an envelope at all (which may be why it was parked): shown as it is.
            unreadable = exception.Message;
        }
        var letter = new DeadLetter(
            new DeadLetterId(result.Topic, result.Partition.Value, result.Offset.Value),
            headers.GetString(DeadLetterHeaders.SourceTopic) ?? Topics.Find(result.Topic)?.Name ?? result.Topic,
            result.Message.Key,
            envelope?.EventId ?? ParseGuid(headers.GetString(Publishing.EventHeaders.EventId)),
            envelope?.EventType ?? headers.GetString(Publishing.EventHeaders.EventType),
            envelope?.Version,
            headers.GetString(DeadLetterHeaders.Error) ?? "No error recorded (parked by a Dapr sidecar, which keeps none).",
            headers.GetString(DeadLetterHeaders.ErrorType),
            headers.GetString(DeadLetterHeaders.ConsumerGroup),
            int.TryParse(headers.GetString(DeadLetterHeaders.Attempts), NumberStyles.None, CultureInfo.InvariantCulture, out var attempts) ? attempts : null,
            DateTimeOffset.TryParse(headers.GetString(DeadLetterHeaders.FirstFailedAt), CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var firstFailed) ? firstFailed : parkedAt,
            parkedAt,
            Encoding.UTF8.GetString(result.Message.Value ?? []));
        return new Parked(letter, result.Message, unreadable);
    }

    private List<PartitionExtent> Extents(IConsumer<string, byte[]> reader, string deadLetterTopic, DateTime deadline)
    {
        using var admin = clients.CreateAdminClient();
        var topic = admin.GetMetadata(deadLetterTopic, Remaining(deadline)).Topics.SingleOrDefault(t => t.Topic == deadLetterTopic);
        if (topic is null || topic.Error.IsError) return [];
        return topic.Partitions
            .Select(partition => (partition.PartitionId, Watermarks: reader.QueryWatermarkOffsets(new TopicPartition(deadLetterTopic, partition.PartitionId), Remaining(deadline))))
            .Where(p => p.Watermarks.High.Value > p.Watermarks.Low.Value)
            .Select(p => new PartitionExtent(p.PartitionId, p.Watermarks.Low.Value, p.Watermarks.High.Value))
            .ToList();
    }

    private static Guid? ParseGuid(string? text) => Guid.TryParse(text, out var id) ? id : null;

    private static TimeSpan Remaining(DateTime deadline) =>
        deadline - DateTime.UtcNow is { Ticks: > 0 } left ? left : TimeSpan.Zero;

    public void Dispose()
    {
        if (!_producer.IsValueCreated) return;
        _producer.Value.Flush(TimeSpan.FromSeconds(5));
        _producer.Value.Dispose();
    }
}
