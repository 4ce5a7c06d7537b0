using System.Diagnostics;
using System.Globalization;
using System.Text;
using Confluent.Kafka;
using Npgsql;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Publishing;
using static TaskFlow.Benchmarks.Writes.WritesBenchmark;

namespace TaskFlow.Benchmarks.Writes;

/// <summary>
/// <c>writes --mode audit</c>: the audit consumer alone. With the workers stopped, valid <c>task.created</c> events
/// are produced straight to task-events; the workers then start and work through the backlog (their consumer group
/// resumes from its committed offsets, so every new event is read).
/// </summary>
public static class AuditConsumerBenchmark
{
    private const string UserId = "bench-audit";
    /// <summary>Far above the ids the Api hands out in a fresh database, so no real task shares one.</summary>
    private const int FirstTaskId = 1_000_000_000;
    /// <summary>
    /// The dev broker keeps at most 5 MiB per partition (4 partitions for task-events) and silently drops the oldest
    /// messages beyond that: the run stays well under the 20 MiB, allowing for uneven partitions and message overhead.
    /// </summary>
    private const long MaxTopicBytes = 15L * 1024 * 1024;
    /// <summary>Per message beyond the envelope: key, header names and values, record framing (an estimate).</summary>
    private const int MessageOverheadBytes = 120;
    private const double TargetPerSecond = 10_000;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private const string Recorded = """
        SELECT count(*), min(recorded_at), max(recorded_at) FROM audit_entries WHERE user_id = @user AND event_type = 'task.created'
        """;

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var events = options.Int("events", 20_000, min: 100, max: 10_000_000);
        options.RejectUnknown();
        var messageBytes = SampleTaskEvents.Serialize(SampleTaskEvents.Created(FirstTaskId, UserId)).Length + MessageOverheadBytes;
        var maxEvents = MaxTopicBytes / messageBytes;
        if (events > maxEvents)
        {
            throw new BenchmarkOptionsException($"--events {events} would put about {events * messageBytes / (1024 * 1024)} MiB on task-events; "
                + $"the dev broker keeps at most 5 MiB per partition (4 partitions) and silently drops the oldest, so this mode produces at most {maxEvents} events");
        }

        Console.WriteLine($"writes (audit): {events} task.created events (~{messageBytes} bytes each) produced to {Topics.TaskEvents} while the workers are stopped");
        await using var bench = await BenchmarkApp.StartAsync(new Dictionary<string, string>());
        await using var auditDb = NpgsqlDataSource.Create(await bench.ConnectionStringAsync("workersdb"));

        await bench.StopResourceAsync("workers");
        Console.WriteLine("Stopped the workers.");
        await ProduceAsync(await bench.ConnectionStringAsync("kafka"), events);

        var sinceStart = Stopwatch.StartNew();
        await bench.StartResourceAsync("workers");
        var healthyAfter = sinceStart.Elapsed;
        Console.WriteLine($"Workers started and healthy after {healthyAfter.TotalSeconds:F1} s; waiting for {events} audit entries (at most {Timeout.TotalSeconds:F0} s from the start) ...");
        var (count, first, last) = await RecordedAsync(auditDb);
        while (count < events && sinceStart.Elapsed < Timeout)
        {
            await Task.Delay(PollInterval);
            (count, first, last) = await RecordedAsync(auditDb);
        }
        var waited = sinceStart.Elapsed;

        var span = (last - first)?.TotalSeconds ?? double.NaN;
        var perSecond = count / span;
        Console.WriteLine();
        Console.WriteLine(count == events
            ? FormattableString.Invariant($"audit: recorded all {events} events {waited.TotalSeconds:F1} s after starting the workers (healthy after {healthyAfter.TotalSeconds:F1} s)")
            : FormattableString.Invariant($"audit: NOT complete after {waited.TotalSeconds:F0} s: {count} of {events} recorded"));
        Console.WriteLine(FormattableString.Invariant(
            $"consumer throughput: {count} / (max(recorded_at) - min(recorded_at) = {span * 1000:F0} ms) = {perSecond:F0} events/s"));
        Target($"audit consumer >= {TargetPerSecond:F0} events/s", count == events && perSecond >= TargetPerSecond);
    }

    /// <summary>Envelopes, key and headers as the relay's KafkaEventPublisher sends them (without traceparent: there is no trace to join).</summary>
    private static async Task ProduceAsync(string bootstrapServers, int events)
    {
        var clock = Stopwatch.StartNew();
        using var producer = new ProducerBuilder<string, byte[]>(new ProducerConfig
        {
            BootstrapServers = bootstrapServers,
            EnableIdempotence = true,
            Acks = Acks.All,
            LingerMs = 5,
        }).Build();
        var failed = 0;
        string? firstError = null;
        for (var i = 0; i < events; i++)
        {
            var envelope = SampleTaskEvents.Created(FirstTaskId + i, UserId);
            producer.Produce(Topics.TaskEvents, new Message<string, byte[]>
            {
                Key = envelope.Data.TaskId.ToString(CultureInfo.InvariantCulture),
                Value = SampleTaskEvents.Serialize(envelope),
                Headers = new Headers
                {
                    { EventHeaders.EventId, Encoding.ASCII.GetBytes(envelope.EventId.ToString()) },
                    { EventHeaders.EventType, Encoding.UTF8.GetBytes(envelope.EventType) },
                },
            }, report =>
            {
                if (report.Error.IsError && Interlocked.Increment(ref failed) == 1) firstError = report.Error.Reason;
            });
        }
        var unsent = await Task.Run(() => producer.Flush(TimeSpan.FromSeconds(60)));
        if (unsent > 0 || failed > 0)
            throw new InvalidOperationException($"producing failed: {unsent} not delivered within 60 s, {failed} refused (first: {firstError})");
        Console.WriteLine($"Produced {events} events to {Topics.TaskEvents} in {clock.Elapsed.TotalSeconds:F1} s.");
    }

    private static async Task<(long Count, DateTimeOffset? First, DateTimeOffset? Last)> RecordedAsync(NpgsqlDataSource auditDb)
    {
        await using var command = auditDb.CreateCommand(Recorded);
        command.Parameters.AddWithValue("user", UserId);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0),
            reader.IsDBNull(1) ? null : reader.GetFieldValue<DateTimeOffset>(1),
            reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2));
    }
}
