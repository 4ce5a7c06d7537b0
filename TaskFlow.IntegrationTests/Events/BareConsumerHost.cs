using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using TaskFlow.Messaging.Consuming;
using TaskFlow.Messaging.Kafka;

namespace TaskFlow.IntegrationTests.Events;

/// <summary>
/// A host with just what a Kafka consumer host needs, against a given broker (the dev broker's mock cluster in these
/// tests), and no Redis: handled events are remembered in memory. The caller adds the consumers.
/// </summary>
internal static class BareConsumerHost
{
    public static async Task<IHost> StartAsync(string bootstrapServers, Action<HostApplicationBuilder> addConsumers)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Services.Configure<KafkaOptions>(options => options.BootstrapServers = bootstrapServers);
        builder.Services.AddSingleton<KafkaClientFactory>();
        builder.Services.AddSingleton<KafkaEventPublisher>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<IEventDeduplicator, InMemoryDeduplicator>();
        addConsumers(builder);
        var host = builder.Build();
        await host.StartAsync();
        return host;
    }
}
