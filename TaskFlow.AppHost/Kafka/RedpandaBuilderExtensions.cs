
namespace TaskFlow.AppHost;

/// <summary>Stand-in for a Redpanda/Kafka hosting integration (Aspire.Hosting.Kafka is not on our package feed).</summary>
public static class RedpandaBuilderExtensions
{
    private const string Registry = "docker.redpanda.com";
    private const string RedpandaImage = "redpandadata/redpanda";
    private const string RedpandaTag = "v24.2.7";
    private const string ConsoleImage = "redpandadata/console";
    private const string ConsoleTag = "v2.7.2";

    /// <summary>
    /// Adds a single-node Redpanda container in dev-container mode. Its external listener is published on host port 19092
    /// without Aspire's proxy, because the broker advertises exactly that address to clients.
    /// </summary>
    public static IResourceBuilder<RedpandaResource> AddRedpanda(this IDistributedApplicationBuilder builder, string name)
    {
        var redpanda = new RedpandaResource(name, builder.ExecutionContext.IsPublishMode);

        return builder.AddResource(redpanda)
            .WithImage(RedpandaImage, RedpandaTag)
            .WithImageRegistry(Registry)
            .WithEndpoint(port: RedpandaResource.ExternalPort, targetPort: RedpandaResource.ExternalPort, name: RedpandaResource.ExternalEndpointName, isProxied: false)
            .WithEndpoint(targetPort: RedpandaResource.InternalPort, name: RedpandaResource.InternalEndpointName)
            .WithHttpEndpoint(port: RedpandaResource.SchemaRegistryPort, targetPort: RedpandaResource.SchemaRegistryTargetPort, name: RedpandaResource.SchemaRegistryEndpointName)
            .WithArgs(
                "redpanda", "start",
                "--mode", "dev-container",
                "--smp", "1",
                "--kafka-addr", $"internal://0.0.0.0:{RedpandaResource.InternalPort},external://0.0.0.0:{RedpandaResource.ExternalPort}",
                "--advertise-kafka-addr", $"internal://{redpanda.InternalBootstrapServers},external://localhost:{RedpandaResource.ExternalPort}",
                "--schema-registry-addr", $"0.0.0.0:{RedpandaResource.SchemaRegistryTargetPort}")
            .WithHealthCheck($"{name}_kafka_metadata", new KafkaMetadataHealthCheck(redpanda));
    }

    /// <summary>Redpanda's schema registry as a connection-string resource (<c>http://host:port</c>), published as a value.</summary>
    public static IResourceBuilder<RedpandaSchemaRegistryResource> AddSchemaRegistry(this IResourceBuilder<RedpandaResource> builder, string name)
    {
        var registry = new RedpandaSchemaRegistryResource(name, builder.Resource);
        return builder.ApplicationBuilder.AddResource(registry)
            .WithParentRelationship(builder)
            .WithManifestPublishingCallback(context =>
            {
                context.Writer.WriteString("type", "value.v0");
                context.WriteConnectionString(registry);
            });
    }

    /// <summary>Keeps topics and messages in a named volume, so they survive restarts.</summary>
    public static IResourceBuilder<RedpandaResource> WithDataVolume(this IResourceBuilder<RedpandaResource> builder, string? name = null) =>
        builder.WithVolume(name ?? VolumeNameGenerator.Generate(builder, "data"), "/var/lib/redpanda/data");

    /// <summary>Adds Redpanda Console (the Kafka web UI) on host port <paramref name="port"/>, pointed at the broker's internal listener.</summary>
    public static IResourceBuilder<RedpandaResource> WithRedpandaConsole(this IResourceBuilder<RedpandaResource> builder, int port = 8080)
    {
        builder.ApplicationBuilder.AddContainer($"{builder.Resource.Name}-console", ConsoleImage, ConsoleTag)
            .WithImageRegistry(Registry)
            .WithHttpEndpoint(port: port, targetPort: 8080)
            .WithEnvironment("KAFKA_BROKERS", builder.Resource.InternalBootstrapServers)
            .WithParentRelationship(builder)
            .WaitFor(builder);

        return builder;
    }
}
