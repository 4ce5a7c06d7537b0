using System.Reflection;
using System.Runtime.InteropServices;
using Confluent.Kafka;
using Microsoft.Extensions.Logging;
using TaskFlow.Messaging.Kafka;

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
            .SetLogHandler((_, message) => LibrdkafkaLog.Write(logger, message))
            .Build();

        BrokerCount = brokerCount;
        var metadata = _cluster.GetMetadata(MetadataTimeout);
        return string.Join(",", metadata.Brokers.OrderBy(b => b.BrokerId).Select(b => $"{b.Host}:{b.Port}"));
    }

    public int BrokerCount { get; private set; }

    /// <summary>
    /// Takes every broker down (connections closed, new ones refused) or brings them back, as a network partition or a
    /// broker outage would: librdkafka's mock cluster API, which Confluent.Kafka does not wrap.
    /// </summary>
    public void SetBrokersUp(bool up)
    {
        var cluster = _cluster ?? throw new InvalidOperationException("The dev broker is not running.");
        // Confluent.Kafka keeps the native rd_kafka_t handle internal.
        var handle = (SafeHandle)typeof(Handle).GetProperty("LibrdkafkaHandle", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(cluster.Handle)!;
        var mock = NativeMock.rd_kafka_handle_mock_cluster(handle.DangerousGetHandle());
        if (mock == IntPtr.Zero) throw new InvalidOperationException("The dev broker's client has no mock cluster.");
        for (var broker = 1; broker <= BrokerCount; broker++)
        {
            var error = up ? NativeMock.rd_kafka_mock_broker_set_up(mock, broker) : NativeMock.rd_kafka_mock_broker_set_down(mock, broker);
            if (error != 0) throw new InvalidOperationException($"librdkafka refused to set broker {broker} {(up ? "up" : "down")}: error {error}.");
        }
    }

    public void Dispose() => _cluster?.Dispose();

    private static class NativeMock
    {
        // The library Confluent.Kafka already loaded (it picks one of several builds from its runtimes folder).
        static NativeMock() => NativeLibrary.SetDllImportResolver(typeof(NativeMock).Assembly, (name, _, _) =>
            name == "librdkafka"
                ? NativeLibrary.Load(System.Diagnostics.Process.GetCurrentProcess().Modules.Cast<System.Diagnostics.ProcessModule>()
                    .First(module => module.ModuleName.Contains("librdkafka", StringComparison.Ordinal)).FileName)
                : IntPtr.Zero);

        [DllImport("librdkafka")]
        public static extern IntPtr rd_kafka_handle_mock_cluster(IntPtr rk);

        [DllImport("librdkafka")]
        public static extern int rd_kafka_mock_broker_set_down(IntPtr mockCluster, int brokerId);

        [DllImport("librdkafka")]
        public static extern int rd_kafka_mock_broker_set_up(IntPtr mockCluster, int brokerId);
    }
}
