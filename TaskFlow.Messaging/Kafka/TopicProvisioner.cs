using System.Globalization;
using Confluent.Kafka;
using Confluent.Kafka.Admin;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// Creates the catalog's topics (and their dead-letter topics) at start-up; topics that exist are left alone,
/// so running it from every service instance is safe.
/// </summary>
public sealed partial class TopicProvisioner(KafkaClientFactory clients, ILogger<TopicProvisioner> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (clients.Options.IsDevBroker)
        {
            await OwnThread.Run(AskDevBrokerForTopics, cancellationToken);
            return;
        }

        var specifications = Topics.Catalog
            .SelectMany(topic => new[] { topic, topic with { Name = topic.DeadLetterName, Retention = TimeSpan.FromDays(7) } })
            .Select(topic => new TopicSpecification
            {
                Name = topic.Name,
                NumPartitions = topic.Partitions,
                ReplicationFactor = -1,
                Configs = new() { ["retention.ms"] = ((long)topic.Retention.TotalMilliseconds).ToString(CultureInfo.InvariantCulture) },
            })
            .ToList();

        using var admin = clients.CreateAdminClient();
        try
        {
            await admin.CreateTopicsAsync(specifications, new CreateTopicsOptions { RequestTimeout = TimeSpan.FromSeconds(30) });
            LogCreated(logger, specifications.Count);
        }
        catch (CreateTopicsException exception)
        {
            var failures = exception.Results.Where(r => r.Error.Code is not (ErrorCode.NoError or ErrorCode.TopicAlreadyExists)).ToList();
            if (failures.Count > 0)
                throw new InvalidOperationException(
                    "Could not create Kafka topics: " + string.Join("; ", failures.Select(f => $"{f.Topic}: {f.Error.Reason}")), exception);
            LogEnsured(logger, specifications.Count);
        }
    }

    /// <summary>
    /// The dev broker cannot create topics but makes one when asked for its metadata. Asking now matters: a consumer
    /// subscribed to a topic that does not exist yet only notices it once its client refreshes metadata, seconds after
    /// the first event was published.
    /// </summary>
    private void AskDevBrokerForTopics()
    {
        using var admin = clients.CreateAdminClient();
        foreach (var topic in Topics.Catalog) admin.GetMetadata(topic.Name, TimeSpan.FromSeconds(10));
        LogDevBrokerTopics(logger, Topics.Catalog.Count);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(LogLevel.Information, "The dev broker cannot create topics; asking for their metadata made it create the catalog's {Count} topics (with its own partition count).")]
    private static partial void LogDevBrokerTopics(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "Created {Count} Kafka topics from the catalog.")]
    private static partial void LogCreated(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "Kafka topics from the catalog are in place ({Count} checked; existing ones left as they are).")]
    private static partial void LogEnsured(ILogger logger, int count);
}
