using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Dapr;
using TaskFlow.Messaging.Kafka;
using TaskFlow.Messaging.Outbox;
using TaskFlow.Messaging.Schemas;
using TaskFlow.Messaging.Publishing;

namespace TaskFlow.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// Messaging for this service, on Kafka whichever the transport: the bootstrap list from
    /// <c>ConnectionStrings:kafka</c>, topic provisioning from the catalog at start, a <c>kafka</c> health check that
    /// asks for metadata, and the publisher of the configured <see cref="MessagingTransport"/>: one idempotent
    /// producer, or the Dapr sidecar's <c>pubsub-kafka</c> component on the same broker.
    /// </summary>
    public static IHostApplicationBuilder AddMessaging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<KafkaOptions>()
            .BindConfiguration(KafkaOptions.Section)
            .Configure<IConfiguration>((options, configuration) =>
                options.BootstrapServers = configuration.GetConnectionString("kafka") ?? options.BootstrapServers)
            .ValidateDataAnnotations()
            .ValidateOnStart();

        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<KafkaClientFactory>();
        builder.Services.AddSingleton<KafkaEventPublisher>();
        if (MessagingTransport.IsDapr(builder.Configuration))
        {
            // With the Dapr transport, secrets come from the sidecar's secret store like everything else Dapr offers.
            builder.Configuration.AddDaprSecretStore(DaprSidecar.HttpAddress(builder.Configuration), DaprSidecar.SecretStore(builder.Configuration));
            builder.Services.AddHttpClient(DaprSidecar.HttpClientName, http => http.BaseAddress = DaprSidecar.HttpAddress(builder.Configuration));
            builder.Services.AddSingleton<IEventPublisher, DaprEventPublisher>();
        }
        else
        {
            builder.Services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<KafkaEventPublisher>());
        }
        // Before anything else of messaging starts: a registry that refuses the event schemas stops the service.
        builder.Services.AddHttpClient(SchemaRegistration.ConnectionName);
        builder.Services.AddHostedService<SchemaRegistration>();
        builder.Services.AddHostedService<TopicProvisioner>();
        // One check, one admin client, for the life of the service: AddCheck<T> alone builds a new instance per run
        // and never disposes it, leaking a librdkafka client (and its threads) every time /health is asked.
        builder.Services.AddSingleton<KafkaHealthCheck>();
        builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka");
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
        builder.Services.AddScoped<THandler>();
        builder.Services.TryAddSingleton<EventDispatcher>();
        // Redelivered events are recognised by id in Redis (the service registers its Redis client).
        builder.Services.TryAddSingleton<IEventDeduplicator, RedisEventDeduplicator>();
        var subscription = new EventSubscription<THandler, TData>(registration);
        builder.Services.AddSingleton<EventSubscription>(subscription);
        if (!MessagingTransport.IsDapr(builder.Configuration))
        {
            builder.Services.AddSingleton<IHostedService>(sp =>
                ActivatorUtilities.CreateInstance<KafkaConsumerHost>(sp, subscription));
        }
        return builder;
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
            configureSettings: settings => settings.DisableRetry = true,
            configureDbContextOptions: options => options
                .UseSnakeCaseNamingConvention()
                .AddInterceptors(outboxInterceptor));
        return builder;
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
