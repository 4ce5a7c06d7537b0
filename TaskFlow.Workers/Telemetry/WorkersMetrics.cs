using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using TaskFlow.Messaging.Telemetry;

namespace TaskFlow.Workers.Telemetry;

/// <summary>
/// What only the Workers report, on the same meter as the pipeline (<see cref="MessagingMetrics"/>): how late reminders
/// fire, how webhook deliveries end, and how many dead letters wait for an operator.
/// </summary>
public static class WorkersMetrics
{
    public const string WebhookOutcomeTag = "taskflow.webhook.outcome";
    public const string DeadLetterTopicTag = "messaging.destination.name";

    public static readonly Histogram<double> ReminderLateness = MessagingMetrics.Meter.CreateHistogram<double>(
        "taskflow.reminder.lateness", "s", "From a reminder's time until its reminder.due was published.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.25, 0.5, 1, 2, 5, 10, 30, 60, 300, 900] });

    private static readonly Counter<long> WebhookDeliveries = MessagingMetrics.Meter.CreateCounter<long>(
        "taskflow.webhook.deliveries", "{delivery}", "Webhook delivery attempts by how they ended: delivered, retrying (will try again) or failed (gave up).");

    private static readonly ConcurrentDictionary<string, long> ParkedByTopic = new();

    static WorkersMetrics()
    {
        MessagingMetrics.Meter.CreateObservableGauge("taskflow.dead_letters.parked", () => ParkedByTopic.Select(entry =>
            new Measurement<long>(entry.Value, new KeyValuePair<string, object?>(DeadLetterTopicTag, entry.Key))),
            "{message}", "Dead letters on a .dlq topic that no operator has re-driven or purged yet.");
    }

    public static void RecordWebhookDelivery(WebhookOutcome outcome) =>
        WebhookDeliveries.Add(1, new KeyValuePair<string, object?>(WebhookOutcomeTag, outcome.ToString().ToLowerInvariant()));

    /// <summary>The latest count of parked letters on <paramref name="deadLetterTopic"/>, reported until the next one.</summary>
    public static void RecordParked(string deadLetterTopic, long parked) => ParkedByTopic[deadLetterTopic] = Math.Max(0, parked);
}

public enum WebhookOutcome
{
    Delivered,
    Retrying,
    Failed,
}
