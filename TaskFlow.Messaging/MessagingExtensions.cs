using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Npgsql;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Dapr;
using TaskFlow.Messaging.Kafka;
using TaskFlow.Messaging.LiveFeed;
using TaskFlow.Messaging.Outbox;
using TaskFlow.Messaging.Publishing;
using TaskFlow.Messaging.Schemas;
using TaskFlow.Messaging.Telemetry;

namespace TaskFlow.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// Messaging for this service, in the parts <see cref="MessagingTransport"/> lists: first what every transport
    /// needs, then the configured transport's own. Consumers are added with <see cref="AddEventConsumer{THandler, TData}(IHostApplicationBuilder, ConsumerRegistration)"/>,
    /// the Api's live-update feed with <see cref="AddLiveFeed"/>.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        // Before anything else of messaging starts: a registry that refuses the event schemas stops the service.
        builder.Services.AddHttpClient(SchemaRegistration.ConnectionName);
        builder.Services.AddHostedService<SchemaRegistration>();
        builder.Services.AddHealthChecks().AddCheck<PipelineHealth>("event-pipeline");
        builder.AddKafkaForEveryTransport();

        if (MessagingTransport.IsDapr(builder.Configuration)) builder.AddDaprTransport();
        else builder.AddKafkaTransport();
        return builder;
    }

    /// <summary>
    /// Kafka whichever the transport: the bootstrap list from <c>ConnectionStrings:kafka</c> and the clients built from
    /// it, the catalog's topics created at start, the dead-letter topics' reader (<see cref="KafkaDeadLetters"/>), and a
    /// <c>kafka</c> health check that asks for metadata.
    /// </summary>
    private static void AddKafkaForEveryTransport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KafkaOptions>()
            .BindConfiguration(KafkaOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
                options.BootstrapServers = configuration.GetConnectionString("kafka") ?? options.BootstrapServers)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<KafkaClientFactory>();
        builder.Services.AddSingleton<KafkaDeadLetters>();
        builder.Services.AddHostedService<TopicProvisioner>();
        // One check, one admin client, for the life of the service: AddCheck<T> alone builds a new instance per run
        // and never disposes it, leaking a librdkafka client (and its threads) every time /health is asked.
        builder.Services.AddSingleton<KafkaHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka");
    }

    /// <summary>Transport kafka: one idempotent producer publishes, and dead-letters what the Kafka consumers cannot handle.</summary>
    private static void AddKafkaTransport(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<KafkaEventPublisher>();
        builder.Services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<KafkaEventPublisher>());
    }

    /// <summary>Transport dapr: publishing through the sidecar's <c>pubsub-kafka</c>, and secrets from its secret store.</summary>
    private static void AddDaprTransport(this IHostApplicationBuilder builder)
    {
        builder.Configuration.AddDaprSecretStore(DaprSidecar.HttpAddress(builder.Configuration), DaprSidecar.SecretStore(builder.Configuration));
        builder.Services.AddHttpClient(DaprSidecar.HttpClientName, http => http.BaseAddress = DaprSidecar.HttpAddress(builder.Configuration));
        builder.Services.AddSingleton<IEventPublisher, DaprEventPublisher>();
    }

    /// <summary>
    /// Each user's live updates for this service's clients (<see cref="ILiveFeed"/>), with its <c>live-updates</c>
    /// health check: always read from Kafka, whatever the transport (see <see cref="MessagingTransport"/>).
    /// </summary>
    public static IHostApplicationBuilder AddLiveFeed(this IHostApplicationBuilder builder)
    {
        builder.Services.AddSingleton<KafkaFeedReplay>();
        builder.Services.AddSingleton<KafkaLiveFeed>();
        builder.Services.AddSingleton<ILiveFeed>(sp => sp.GetRequiredService<KafkaLiveFeed>());
        builder.Services.AddHostedService(sp => sp.GetRequiredService<KafkaLiveFeed>());
        builder.Services.AddHealthChecks().AddCheck<KafkaLiveFeed>("live-updates");
        return builder;
    }

    /// <summary>
    /// Runs <typeparamref name="THandler"/> for every event on the registration's topic whose data is a
    /// <typeparamref name="TData"/>, as its own consumer group: from a Kafka consumer, or (transport dapr) from the
    /// sidecar through <c>MapDaprSubscriptions()</c>.
    /// </summary>
    public static IHostApplicationBuilder AddEventConsumer<THandler, TData>(this IHostApplicationBuilder builder, ConsumerRegistration registration)
        where THandler : class, IEventHandler<TData>
        where TData : class
    {
        builder.Services.AddEventConsumer<THandler, TData>(builder.Configuration, registration);
        return builder;
    }

    /// <inheritdoc cref="AddEventConsumer{THandler, TData}(IHostApplicationBuilder, ConsumerRegistration)"/>
    public static IServiceCollection AddEventConsumer<THandler, TData>(this IServiceCollection services, IConfiguration configuration, ConsumerRegistration registration)
        where THandler : class, IEventHandler<TData>
        where TData : class
    {
        services.AddScoped<THandler>();
        services.TryAddSingleton<EventDispatcher>();
        // Redelivered events are recognised by id in Redis (the service registers its Redis client).
        services.TryAddSingleton<IEventDeduplicator, RedisEventDeduplicator>();
        var subscription = new EventSubscription<THandler, TData>(registration);
        services.AddSingleton<EventSubscription>(subscription);
        if (!MessagingTransport.IsDapr(configuration))
        {
            services.AddSingleton<IHostedService>(sp =>
                ActivatorUtilities.CreateInstance<KafkaConsumerHost>(sp, subscription));
        }
        return services;
    }

    /// <summary>
    /// The service's own Postgres database (<paramref name="connectionName"/>) as <typeparamref name="TContext"/>, with
    /// snake_case names and its outbox relayed. No retries inside a request: with the database gone the client gets a
    /// 503 with Retry-After at once (DependencyUnavailableHandler) instead of waiting out a retry schedule of half a
    /// minute and more; consumers wait for it on their own (TransientFailures).
    /// </summary>
    public static IHostApplicationBuilder AddServiceDatabase<TContext>(this IHostApplicationBuilder builder, string connectionName)
        where TContext : DbContext, IOutboxDbContext
    {
        var outboxInterceptor = builder.AddOutboxRelay<TContext>();
        builder.AddNpgsqlDbContext<TContext>(connectionName,
            configureSettings: settings =>
            {
                settings.DisableRetry = true;
                settings.ConnectionString = WithConnectTimeout(settings.ConnectionString);
            },
            configureDbContextOptions: options => options
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(outboxInterceptor));
        return builder;
    }

    private const int ConnectTimeoutSeconds = 5;

    /// <summary>
    /// A database that does not let a session open within <see cref="ConnectTimeoutSeconds"/> is taken to be away (the
    /// request gets its 503), unless the connection string says otherwise. Npgsql's default of 15 s held each request that
    /// long when the address still accepted connections but nothing answered behind it (a pooler or load balancer in
    /// front of a stopped Postgres does that).
    /// </summary>
    private static string? WithConnectTimeout(string? connectionString)
    {
        if (connectionString is null) return null;
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.Keys.Cast<string>().Any(key => key.Equals("Timeout", StringComparison.OrdinalIgnoreCase))) return connectionString;
        return new NpgsqlConnectionStringBuilder(connectionString) { Timeout = ConnectTimeoutSeconds }.ConnectionString;
    }

    /// <summary>
    /// Publishes the outbox of <typeparamref name="TContext"/>. The returned interceptor goes into the context's
    /// options so a committed write wakes the relay at once.
    /// </summary>
    private static OutboxSaveChangesInterceptor AddOutboxRelay<TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext, IOutboxDbContext
    {
        var signal = new OutboxSignal();
        builder.Services.AddSingleton(signal);
        builder.Services.AddHostedService<OutboxRelay<TContext>>();
        builder.Services.AddHostedService<OutboxNotifications<TContext>>();
        return new OutboxSaveChangesInterceptor(signal);
    }
}
