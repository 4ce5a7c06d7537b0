namespace TaskFlow.AppHost;

/// <summary>
/// Redpanda (Kafka protocol) in a container, in dev-container mode. Two listeners: <c>internal</c> (9092, advertised
/// as <c>{name}:9092</c> for containers on Aspire's network) and <c>external</c> (19092, advertised as localhost:19092
/// for processes on the host). Run on this machine, the connection string is the host bootstrap list,
/// "localhost:19092"; published, it is the internal listener, which the broker advertises under its own name, so
/// clients in the cluster are never sent to localhost.
/// </summary>
public sealed class RedpandaResource(string name, bool published) : ContainerResource(name), IResourceWithConnectionString
{
    public const string ExternalEndpointName = "kafka";
    public const string InternalEndpointName = "internal";
    public const int ExternalPort = 19092;
    public const int InternalPort = 9092;

    /// <summary>Redpanda's built-in (Confluent-compatible) schema registry: 8081 in the container, 18081 on the host as in the seed.</summary>
    public const string SchemaRegistryEndpointName = "schema-registry";
    public const int SchemaRegistryPort = 18081;
    public const int SchemaRegistryTargetPort = 8081;

    private EndpointReference? _externalEndpoint;
    private EndpointReference? _internalEndpoint;

    public EndpointReference ExternalEndpoint => _externalEndpoint ??= new(this, ExternalEndpointName);
    public EndpointReference InternalEndpoint => _internalEndpoint ??= new(this, InternalEndpointName);
    public EndpointReference SchemaRegistryEndpoint => new(this, SchemaRegistryEndpointName);

    /// <summary>The address containers on Aspire's network use: the resource name is their DNS alias.</summary>
    public string InternalBootstrapServers => $"{Name}:{InternalPort}";

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{(published ? InternalEndpoint : ExternalEndpoint).Property(EndpointProperty.HostAndPort)}");
}

/// <summary>The schema registry inside a <see cref="RedpandaResource"/>, as the connection string the services read.</summary>
public sealed class RedpandaSchemaRegistryResource(string name, RedpandaResource redpanda) : Resource(name), IResourceWithConnectionString, IResourceWithParent<RedpandaResource>
{
    public RedpandaResource Parent => redpanda;

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{redpanda.SchemaRegistryEndpoint.Property(EndpointProperty.Url)}");
}
