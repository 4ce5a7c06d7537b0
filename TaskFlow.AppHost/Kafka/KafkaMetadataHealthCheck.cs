using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace TaskFlow.AppHost;

/// <summary>
/// Healthy when a Kafka metadata request to the resource's bootstrap list answers with at least one broker.
/// A TCP connect is not enough: Aspire's proxy accepts connections before the broker is up.
/// Shared by the Redpanda container and the dev broker; Aspire.Hosting.Kafka brings its own when it replaces them.
/// </summary>
public sealed class KafkaMetadataHealthCheck(IResourceWithConnectionString kafka) : IHealthCheck
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(3);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var bootstrapServers = await kafka.GetConnectionStringAsync(cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrEmpty(bootstrapServers))
        {
            return HealthCheckResult.Unhealthy($"{kafka.Name} has no bootstrap list yet");
        }

        return await Task.Run(() =>
        {
            var config = new AdminClientConfig
            {
                BootstrapServers = bootstrapServers,
                SocketTimeoutMs = (int)RequestTimeout.TotalMilliseconds,
            };

            // Connection errors while the broker starts are the expected answer here, not news for the console.
            using var admin = new AdminClientBuilder(config).SetLogHandler((_, _) => { }).SetErrorHandler((_, _) => { }).Build();
            try
            {
                var metadata = admin.GetMetadata(RequestTimeout);
                return metadata.Brokers.Count > 0
                    ? HealthCheckResult.Healthy($"{metadata.Brokers.Count} broker(s) at {bootstrapServers}")
                    : HealthCheckResult.Unhealthy($"no brokers in the metadata from {bootstrapServers}");
            }
            catch (KafkaException e)
            {
                return HealthCheckResult.Unhealthy($"metadata request to {bootstrapServers} failed: {e.Error.Reason}");
            }
        }, cancellationToken).ConfigureAwait(false);
    }
}
