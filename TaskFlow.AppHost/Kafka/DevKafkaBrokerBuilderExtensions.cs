using Aspire.Hosting.Publishing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace TaskFlow.AppHost;

public static class DevKafkaBrokerBuilderExtensions
{
    private const string InMemoryNote = "in memory: topics and messages are gone when the AppHost stops";

    /// <summary>
    /// Adds the in-process dev Kafka broker (librdkafka's mock cluster, <paramref name="brokerCount"/> brokers).
    /// It shows as Running/Healthy in the dashboard with its bootstrap list; its health check is a real metadata request.
    /// A published manifest asks for a real cluster's connection string instead.
    /// </summary>
    public static IResourceBuilder<DevKafkaBrokerResource> AddDevKafkaBroker(this IDistributedApplicationBuilder builder, string name, int brokerCount = 3)
    {
        var resource = new DevKafkaBrokerResource(name, brokerCount);

        builder.Services.AddKeyedSingleton<DevKafkaBroker>(name);

        return builder.AddResource(resource)
            .WithInitialState(new CustomResourceSnapshot
            {
                ResourceType = "DevKafkaBroker",
                State = KnownResourceStates.NotStarted,
                Properties = [new("storage", InMemoryNote) { DisplayName = "Storage" }],
            })
            .WithHealthCheck($"{name}_kafka_metadata", new KafkaMetadataHealthCheck(resource))
            .OnInitializeResource(StartAsync)
            // To see what an outage of the broker does (writes keep going into the outbox and flow once it is back).
            .WithCommand(TakeDownCommand, "Take the brokers down", context => SetBrokersUp(context, name, up: false),
                new CommandOptions { Description = "Close every connection to the dev broker and refuse new ones, as an outage would.", IconName = "PlugDisconnected" })
            .WithCommand(BringUpCommand, "Bring the brokers up", context => SetBrokersUp(context, name, up: true),
                new CommandOptions { Description = "End the outage started with \"Take the brokers down\".", IconName = "PlugConnected" })
            .WithManifestPublishingCallback(context => WriteAsConnectionStringParameter(context, name));
    }

    public const string TakeDownCommand = "take-brokers-down";
    public const string BringUpCommand = "bring-brokers-up";

    private static Task<ExecuteCommandResult> SetBrokersUp(ExecuteCommandContext context, string name, bool up)
    {
        try
        {
            context.Services.GetRequiredKeyedService<DevKafkaBroker>(name).SetBrokersUp(up);
            return Task.FromResult(CommandResults.Success());
        }
        catch (InvalidOperationException exception)
        {
            return Task.FromResult(CommandResults.Failure(exception.Message));
        }
    }

    // An in-memory broker cannot be deployed: the manifest asks the deployment for a real cluster's bootstrap list,
    // in the same shape as builder.AddConnectionString(name).
    private static void WriteAsConnectionStringParameter(ManifestPublishingContext context, string name)
    {
        context.Writer.WriteString("type", "parameter.v0");
        context.Writer.WriteString("connectionString", $"{{{name}.value}}");
        context.Writer.WriteString("value", $"{{{name}.inputs.value}}");
        context.Writer.WriteStartObject("inputs");
        context.Writer.WriteStartObject("value");
        context.Writer.WriteString("type", "string");
        context.Writer.WriteBoolean("secret", true);
        context.Writer.WriteEndObject();
        context.Writer.WriteEndObject();
    }

    private static async Task StartAsync(DevKafkaBrokerResource resource, InitializeResourceEvent e, CancellationToken cancellationToken)
    {
        await e.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.Starting }).ConfigureAwait(false);

        string bootstrapServers;
        try
        {
            bootstrapServers = e.Services.GetRequiredKeyedService<DevKafkaBroker>(resource.Name).Start(resource.BrokerCount, e.Logger);
        }
        catch (Exception ex)
        {
            e.Logger.LogError(ex, "The dev broker (librdkafka mock cluster) did not start");
            await e.Notifications.PublishUpdateAsync(resource, s => s with { State = KnownResourceStates.FailedToStart }).ConfigureAwait(false);
            return;
        }

        resource.SetBootstrapServers(bootstrapServers);
        e.Logger.LogInformation("Dev broker: librdkafka mock cluster with {BrokerCount} brokers, {Storage}", resource.BrokerCount, InMemoryNote);
        e.Services.GetRequiredService<ILoggerFactory>().CreateLogger("TaskFlow.AppHost.DevKafkaBroker")
            .LogInformation("{Name} bootstrap: {BootstrapServers} (dev broker, {Storage})", resource.Name, bootstrapServers, InMemoryNote);

        await e.Eventing.PublishAsync(new ConnectionStringAvailableEvent(resource, e.Services), cancellationToken).ConfigureAwait(false);
        await e.Notifications.PublishUpdateAsync(resource, s => s with
        {
            State = KnownResourceStates.Running,
            StartTimeStamp = DateTime.UtcNow,
            Properties = [.. s.Properties, new("bootstrap.servers", bootstrapServers) { DisplayName = "Bootstrap servers" }],
        }).ConfigureAwait(false);
    }
}
