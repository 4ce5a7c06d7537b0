using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Kafka;
using TaskFlow.Messaging.Outbox;

namespace TaskFlow.Messaging;

public static class MessagingExtensions
{
    /// <summary>
    /// Kafka for this service: the bootstrap list from <c>ConnectionStrings:kafka</c>, one idempotent producer,
    /// topic provisioning from the catalog at start, and a <c>kafka</c> health check that asks for metadata.
    /// </summary>
    public static IHostApplicationBuilder AddKafkaMessaging(this IHostApplicationBuilder builder)
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
        builder.Services.AddSingleton<IEventPublisher>(sp => sp.GetRequiredService<KafkaEventPublisher>());
        builder.Services.AddHostedService<TopicProvisioner>();
        builder.Services.AddHealthChecks().AddCheck<KafkaHealthCheck>("kafka");
        return builder;
    }

    /// <summary>Runs <typeparamref name="THandler"/> for every event on the registration's topic, as its own consumer group.</summary>
    public static IHostApplicationBuilder AddEventConsumer<THandler>(this IHostApplicationBuilder builder, ConsumerRegistration registration)
        where THandler : class, IEventHandler
    {
        builder.Services.AddScoped<THandler>();
        builder.Services.AddSingleton<IHostedService>(sp =>
            ActivatorUtilities.CreateInstance<KafkaConsumerHost<THandler>>(sp, registration));
        return builder;
    }

    /// <summary>
    /// Publishes the outbox of <typeparamref name="TContext"/>. Add the returned interceptor to the context's options
    /// so a committed write wakes the relay at once.
    /// </summary>
    public static OutboxSaveChangesInterceptor AddOutboxRelay<TContext>(this IHostApplicationBuilder builder)
        where TContext : DbContext, IOutboxDbContext
    {
        var signal = new OutboxSignal();
        builder.Services.AddSingleton(signal);
        builder.Services.AddHostedService<OutboxRelay<TContext>>();
        return new OutboxSaveChangesInterceptor(signal);
    }
}
