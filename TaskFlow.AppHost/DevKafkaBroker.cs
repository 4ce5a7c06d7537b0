using Confluent.Kafka;
using Microsoft.Extensions.Logging;

namespace TaskFlow.AppHost;

/// <summary>
/// Owns librdkafka's mock cluster. The cluster lives exactly as long as the admin client that created it,
/// so this object is kept for the AppHost's lifetime and disposed with it.
/// What the mock cannot do: create topics through the admin API (CreateTopics times out; topics are
/// auto-created with 4 partitions on first use) and ListConsumerGroups (aborts the process): never call them.
/// </summary>
public sealed class DevKafkaBroker : IDisposable
{
    private static readonly TimeSpan MetadataTimeout = TimeSpan.FromSeconds(10);

    private IAdminClient? _cluster;

    /// <summary>Starts the mock cluster and returns its bootstrap list, read from a metadata request.</summary>
    public string Start(int brokerCount, ILogger logger)
    {
        var config = new AdminClientConfig { BootstrapServers = "" };
        config.Set("test.mock.num.brokers", brokerCount.ToString(System.Globalization.CultureInfo.InvariantCulture));

        _cluster = new AdminClientBuilder(config)
            .SetLogHandler((_, message) => logger.Log(ToLogLevel(message.Level), "{Facility}: {Message}", message.Facility, message.Message))
            .Build();

        var metadata = _cluster.GetMetadata(MetadataTimeout);
        return string.Join(",", metadata.Brokers.OrderBy(b => b.BrokerId).Select(b => $"{b.Host}:{b.Port}"));
    }

    public void Dispose() => _cluster?.Dispose();

    private static LogLevel ToLogLevel(SyslogLevel level) => level switch
    {
        SyslogLevel.Emergency or SyslogLevel.Alert or SyslogLevel.Critical => LogLevel.Critical,
        SyslogLevel.Error => LogLevel.Error,
        SyslogLevel.Warning => LogLevel.Warning,
        SyslogLevel.Notice or SyslogLevel.Info => LogLevel.Information,
        _ => LogLevel.Debug,
    };
}
