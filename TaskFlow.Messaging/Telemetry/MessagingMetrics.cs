using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace TaskFlow.Messaging.Telemetry;

/// <summary>
/// What the event pipeline reports to the dashboard's Metrics tab: names follow the OpenTelemetry messaging
/// conventions where one exists (<c>messaging.*</c>); the rest are TaskFlow's own (<c>taskflow.*</c>). The meter's name
/// is the one ServiceDefaults exports.
/// </summary>
public static class MessagingMetrics
{
    public static readonly Meter Meter = new("TaskFlow");

    public static readonly Counter<long> SentMessages = Meter.CreateCounter<long>(
        "messaging.client.sent.messages", "{message}", "Messages the broker acknowledged.");

    public static readonly Histogram<int> OutboxBatchSize = Meter.CreateHistogram<int>(
        "taskflow.outbox.batch.size", "{message}", "Outbox rows one relay pass read and published.",
        advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 10, 50, 100, 250, 500, 1000, 2000] });

    public static readonly Counter<long> ConsumedMessages = Meter.CreateCounter<long>(
        "messaging.client.consumed.messages", "{message}", "Messages a consumer group took off a topic and dealt with.");

    public static readonly Histogram<double> ProcessDuration = Meter.CreateHistogram<double>(
        "messaging.process.duration", "s", "How long a handler took for one batch of events.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] });

    public static readonly Histogram<double> EventLatency = Meter.CreateHistogram<double>(
        "taskflow.event.latency", "s", "From the event's timestamp (the change) until a consumer group handled it.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60] });

    public static readonly Counter<long> DeadLettered = Meter.CreateCounter<long>(
        "taskflow.dead_lettered.messages", "{message}", "Messages a consumer group gave up on and parked on <topic>.dlq.");

    private static readonly ConcurrentDictionary<string, (long Rows, double OldestAgeSeconds)> Backlogs = new();
    private static readonly ConcurrentDictionary<(string Group, string Topic, int Partition), long> Lags = new();

    static MessagingMetrics()
    {
        Meter.CreateObservableGauge("taskflow.outbox.backlog", () => Backlogs.Select(entry =>
            new Measurement<long>(entry.Value.Rows, new KeyValuePair<string, object?>("taskflow.outbox", entry.Key))),
            "{message}", "Outbox rows not yet published.");
        Meter.CreateObservableGauge("taskflow.outbox.oldest_age", () => Backlogs.Select(entry =>
            new Measurement<double>(entry.Value.OldestAgeSeconds, new KeyValuePair<string, object?>("taskflow.outbox", entry.Key))),
            "s", "Age of the oldest outbox row not yet published (0 when none).");
        Meter.CreateObservableGauge("messaging.kafka.consumer.lag", () => Lags.Select(entry =>
            new Measurement<long>(entry.Value,
                new KeyValuePair<string, object?>("messaging.consumer.group.name", entry.Key.Group),
                new KeyValuePair<string, object?>("messaging.destination.name", entry.Key.Topic),
                new KeyValuePair<string, object?>("messaging.destination.partition.id", entry.Key.Partition))),
            "{message}", "Messages on a partition past what the consumer group has handled.");
    }

    /// <summary>The latest count of <paramref name="outbox"/>'s unpublished rows, reported until the next one.</summary>
    public static void RecordBacklog(string outbox, long rows, TimeSpan oldestAge) =>
        Backlogs[outbox] = (rows, Math.Max(0, oldestAge.TotalSeconds));

    /// <summary>The latest lag of a consumer group on one partition (high watermark − next offset to handle).</summary>
    public static void RecordLag(string group, string topic, int partition, long lag) =>
        Lags[(group, topic, partition)] = Math.Max(0, lag);

    /// <summary>A partition this process no longer consumes stops being reported (another member reports it).</summary>
    public static void ForgetLag(string group, string topic, int partition) => Lags.TryRemove((group, topic, partition), out _);
}
