using Microsoft.Extensions.Configuration;

namespace TaskFlow.AppHost;

/// <summary>
/// The three infrastructure pieces, each from (first match wins): ConnectionStrings:{name} in AppHost configuration,
/// then the chosen profile (containers or local). Callers get a connection-string resource either way.
/// </summary>
public static class InfrastructureResourceExtensions
{
    /// <summary>Kafka-protocol broker; connection string "host:port,host:port".</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddKafkaBroker(this IDistributedApplicationBuilder builder, string name, Infrastructure infrastructure)
    {
        if (TryUseConfiguredConnectionString(builder, name, infrastructure) is { } configured)
        {
            return configured;
        }

        if (infrastructure.Profile == InfrastructureProfile.Containers)
        {
            return AsConnectionString(builder, builder.AddRedpanda(name).WithDataVolume().WithRedpandaConsole(port: 8080));
        }

        infrastructure.Note($"{name}: dev broker (librdkafka mock cluster in the AppHost process), in memory: topics and messages are gone when the AppHost stops");
        return AsConnectionString(builder, builder.AddDevKafkaBroker(name));
    }

    /// <summary>
    /// A Confluent-compatible schema registry (connection string <c>http://host:port</c>): ConnectionStrings:{name},
    /// else the registry built into the containers profile's Redpanda; null with the dev broker, which has none (the
    /// services then do not register their event schemas).
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString>? AddSchemaRegistry(this IDistributedApplicationBuilder builder, string name, Infrastructure infrastructure,
        IResourceBuilder<IResourceWithConnectionString> kafka)
    {
        if (TryUseConfiguredConnectionString(builder, name, infrastructure) is { } configured)
        {
            return configured;
        }

        if (kafka.Resource is RedpandaResource redpanda)
        {
            return AsConnectionString(builder, builder.CreateResourceBuilder(redpanda).AddSchemaRegistry(name));
        }

        infrastructure.Note($"{name}: none (the dev broker has no schema registry; ConnectionStrings:{name} names one), so the services do not register their event schemas");
        return null;
    }

    /// <summary>
    /// References the Kafka broker from a service and waits for it. Against the dev broker the service is told so
    /// (<c>Kafka:IsDevBroker</c>): it cannot create topics, so the service skips provisioning them. Its consumers also
    /// wait at most <see cref="DevBrokerFetchWaitMs"/> for data, as the dev broker never answers a waiting fetch early.
    /// </summary>
    /// <summary>
    /// Each hop through the dev broker costs up to this much; smaller costs CPU instead: every idle consumer asks each of
    /// its brokers this often (at 10 ms, an idle app's consumers kept a quarter of a core busy).
    /// </summary>
    public const int DevBrokerFetchWaitMs = 50;

    public static IResourceBuilder<T> WithKafka<T>(this IResourceBuilder<T> service, IResourceBuilder<IResourceWithConnectionString> kafka)
        where T : IResourceWithEnvironment, IResourceWithWaitSupport
    {
        service.WithReference(kafka).WaitFor(kafka);
        if (kafka.Resource is DevKafkaBrokerResource)
        {
            service.WithEnvironment("Kafka__IsDevBroker", "true");
            service.WithEnvironment("Kafka__FetchWaitMaxMs", DevBrokerFetchWaitMs.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }
        return service;
    }

    /// <summary>Redis; StackExchange.Redis connection string "host:port[,options]".</summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddRedisStore(this IDistributedApplicationBuilder builder, string name, Infrastructure infrastructure)
    {
        if (TryUseConfiguredConnectionString(builder, name, infrastructure) is { } configured)
        {
            return configured;
        }

        if (infrastructure.Profile == InfrastructureProfile.Containers)
        {
            return AsConnectionString(builder, builder.AddRedis(name).WithDataVolume());
        }

        return AsConnectionString(builder, builder.AddLocalRedis(name, infrastructure));
    }

    /// <summary>A Postgres server; declared with the first of its databases that configuration does not already supply.</summary>
    public static PostgresServer AddPostgresServer(this IDistributedApplicationBuilder builder, string name, Infrastructure infrastructure) =>
        new(builder, name, infrastructure);

    internal static IResourceBuilder<IResourceWithConnectionString>? TryUseConfiguredConnectionString(IDistributedApplicationBuilder builder, string name, Infrastructure infrastructure)
    {
        if (string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString(name)))
        {
            return null;
        }

        infrastructure.Note($"{name}: ConnectionStrings:{name} from AppHost configuration (overrides the {infrastructure.Profile.ToString().ToLowerInvariant()} profile)");
        return builder.AddConnectionString(name);
    }

    internal static IResourceBuilder<IResourceWithConnectionString> AsConnectionString<T>(IDistributedApplicationBuilder builder, IResourceBuilder<T> resource)
        where T : IResourceWithConnectionString =>
        builder.CreateResourceBuilder<IResourceWithConnectionString>(resource.Resource);
}

/// <summary>Postgres for the profile: Aspire's Postgres container (with a data volume) or the local postgres.</summary>
public sealed class PostgresServer(IDistributedApplicationBuilder builder, string name, Infrastructure infrastructure)
{
    private IResourceBuilder<PostgresServerResource>? _container;
    private IResourceBuilder<LocalPostgresServerResource>? _local;

    /// <summary>A database; Npgsql connection string "Host=..;Port=..;Username=..;Password=..;Database=..".</summary>
    public IResourceBuilder<IResourceWithConnectionString> AddDatabase(string databaseName)
    {
        if (InfrastructureResourceExtensions.TryUseConfiguredConnectionString(builder, databaseName, infrastructure) is { } configured)
        {
            return configured;
        }

        return infrastructure.Profile == InfrastructureProfile.Containers
            ? InfrastructureResourceExtensions.AsConnectionString(builder, (_container ??= builder.AddPostgres(name).WithDataVolume()).AddDatabase(databaseName))
            : InfrastructureResourceExtensions.AsConnectionString(builder, (_local ??= builder.AddLocalPostgres(name, infrastructure)).AddDatabase(databaseName));
    }
}
