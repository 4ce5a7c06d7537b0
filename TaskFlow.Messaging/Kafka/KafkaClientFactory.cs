using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace TaskFlow.Messaging.Kafka;

/// <summary>The one place Kafka client settings are decided, so producers, consumers and checks agree.</summary>
public sealed class KafkaClientFactory(IOptions<KafkaOptions> options, ILoggerFactory loggerFactory)
{
    private const int PrefetchKbytes = 8 * 1024;

    private readonly KafkaOptions _options = options.Value;

    public KafkaOptions Options => _options;

    /// <summary>Idempotent producer with acks=all: a retried send never duplicates or reorders within a partition.</summary>
    public IProducer<string, byte[]> CreateProducer(string clientId)
    {
        var config = new ProducerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            ClientId = clientId,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 1,
            MessageTimeoutMs = 30_000,
        };
        var logger = loggerFactory.CreateLogger("TaskFlow.Kafka.Producer");
        return new ProducerBuilder<string, byte[]>(config)
            .SetLogHandler((_, message) => LibrdkafkaLog.Write(logger, message))
            .Build();
    }

    /// <summary>
    /// One consumer group per service; offsets are committed by the caller after its handler succeeds.
    /// </summary>
    public IConsumer<string, byte[]> CreateConsumer(string groupId, string clientId)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            GroupId = groupId,
            ClientId = clientId,
            EnableAutoCommit = false,
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = _options.FetchWaitMaxMs,
            // A crashed member's partitions move on after 6 s instead of the 45 s default.
            SessionTimeoutMs = 6_000,
            HeartbeatIntervalMs = 2_000,
            PartitionAssignmentStrategy = PartitionAssignmentStrategy.CooperativeSticky,
            // Consumers may start before anything was published; the dev broker only knows topics once asked for them.
            AllowAutoCreateTopics = true,
        };
        return BuildConsumer(config, groupId);
    }

    /// <summary>
    /// A consumer for partitions assigned by hand: it never joins its group nor commits, so every instance sees
    /// every message and the broker keeps nothing for it. (The client insists on a group id even so.)
    /// </summary>
    public IConsumer<string, byte[]> CreateReader(string clientId)
    {
        var config = new ConsumerConfig
        {
            BootstrapServers = _options.BootstrapServers,
            GroupId = clientId,
            ClientId = clientId,
            EnableAutoCommit = false,
            EnableAutoOffsetStore = false,
            // An assigned offset the broker calls out of range (e.g. the end of a partition created a moment ago)
            // must not jump to the end and skip what arrives meanwhile.
            AutoOffsetReset = AutoOffsetReset.Earliest,
            FetchWaitMaxMs = _options.FetchWaitMaxMs,
            AllowAutoCreateTopics = true,
        };
        return BuildConsumer(config, clientId);
    }

    private IConsumer<string, byte[]> BuildConsumer(ConsumerConfig config, string name)
    {
        // librdkafka prefetches up to 64 MB per consumer by default; a service runs several, and a batch needs far less.
        config.QueuedMaxMessagesKbytes = PrefetchKbytes;
        var logger = loggerFactory.CreateLogger("TaskFlow.Kafka.Consumer");
        return new ConsumerBuilder<string, byte[]>(config)
            .SetLogHandler((_, message) => LibrdkafkaLog.Write(logger, message))
            .SetErrorHandler((_, error) => logger.LogWarning("Kafka consumer {Name}: {Reason}", name, error.Reason))
            .Build();
    }

    public IAdminClient CreateAdminClient() =>
        new AdminClientBuilder(new AdminClientConfig { BootstrapServers = _options.BootstrapServers }).Build();
}
