namespace TaskFlow.AppHost;

/// <summary>
/// A Kafka-protocol dev broker living inside the AppHost process: librdkafka's mock cluster.
/// Topics and messages are kept in memory only, so they are gone when the AppHost stops.
/// Its connection string is the bootstrap list ("host:port,host:port"), known once the cluster runs.
/// </summary>
public sealed class DevKafkaBrokerResource(string name, int brokerCount) : Resource(name), IResourceWithConnectionString
{
    private readonly BootstrapServers _bootstrapServers = new(name);

    public int BrokerCount { get; } = brokerCount;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{_bootstrapServers}");

    internal void SetBootstrapServers(string bootstrapServers) => _bootstrapServers.Set(bootstrapServers);

    private sealed class BootstrapServers(string resourceName) : IValueProvider, IManifestExpressionProvider
    {
        private readonly TaskCompletionSource<string> _value = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string ValueExpression => $"{{{resourceName}.bootstrapServers}}";

        public void Set(string value) => _value.TrySetResult(value);

        public async ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) =>
            await _value.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }
}
