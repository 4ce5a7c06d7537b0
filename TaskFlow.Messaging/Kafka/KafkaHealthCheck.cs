using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TaskFlow.Messaging.Kafka;

/// <summary>Healthy only when the broker answers a metadata request: an open TCP port proves nothing.</summary>
public sealed class KafkaHealthCheck(KafkaClientFactory clients) : IHealthCheck, IDisposable
{
    private readonly Lazy<Confluent.Kafka.IAdminClient> _admin = new(clients.CreateAdminClient);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        // GetMetadata blocks for up to its timeout while the broker is away.
        OwnThread.Run(Check, cancellationToken);

    private HealthCheckResult Check()
    {
        try
        {
            var metadata = _admin.Value.GetMetadata(TimeSpan.FromSeconds(3));
            return metadata.Brokers.Count > 0
                ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s)")
                : HealthCheckResult.Unhealthy("The cluster answered with no brokers.");
        }
        catch (Exception exception)
        {
            return HealthCheckResult.Unhealthy("No metadata from the Kafka cluster.", exception);
        }
    }

    public void Dispose()
    {
        if (_admin.IsValueCreated) _admin.Value.Dispose();
    }
}
