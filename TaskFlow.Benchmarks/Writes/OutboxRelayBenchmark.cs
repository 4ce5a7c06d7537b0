using System.Diagnostics;
using System.Text;
using Npgsql;
using static TaskFlow.Benchmarks.Writes.WritesBenchmark;

namespace TaskFlow.Benchmarks.Writes;

/// <summary>
/// <c>writes --mode relay</c>: the outbox relay alone. Many rows are committed to the outbox at once, on a topic no
/// service consumes, and the relay's pace is read from how fast they become published.
/// </summary>
public static class OutboxRelayBenchmark
{
    private const string Topic = "bench-relay";
    private const int Keys = 1000;
    private const double TargetPerSecond = 20_000;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// One statement, hence one transaction: the relay finds every row at once, as after a burst of writes. Then the
    /// notification an Api commit sends (OutboxNotifications), so the relay is woken as it would be, not by its poll.
    /// </summary>
    private const string Insert = """
        INSERT INTO outbox_messages (topic, key, event_id, event_type, payload, created_at, attempts)
        SELECT @topic, (i % @keys)::text, gen_random_uuid(), 'task.created', @payload, now(), 0
        FROM generate_series(1, @events) AS i;
        NOTIFY outbox_apidbcontext
        """;

    private const string Unpublished = "SELECT count(*) FROM outbox_messages WHERE published_at IS NULL AND topic = @topic";

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var events = options.Int("events", 50_000, min: 1, max: 2_000_000);
        options.RejectUnknown();
        var payload = Encoding.UTF8.GetString(SampleTaskEvents.Serialize(SampleTaskEvents.Created(1, "bench-relay")));

        Console.WriteLine($"writes (relay): {events} outbox rows on topic '{Topic}' (no consumer), {Keys} keys, {payload.Length}-byte payload each, committed at once");
        await using var bench = await BenchmarkApp.StartAsync(new Dictionary<string, string>());
        await using var tasksDb = NpgsqlDataSource.Create(await bench.ConnectionStringAsync("tasksdb"));

        await using (var insert = tasksDb.CreateCommand(Insert))
        {
            insert.Parameters.AddWithValue("topic", Topic);
            insert.Parameters.AddWithValue("keys", Keys);
            insert.Parameters.AddWithValue("payload", payload);
            insert.Parameters.AddWithValue("events", events);
            await insert.ExecuteNonQueryAsync();
        }
        var sinceCommit = Stopwatch.StartNew();
        Console.WriteLine($"Committed {events} rows; waiting until the relay has published them all (at most {Timeout.TotalMinutes:F0} min) ...");

        TimeSpan? firstPickup = null;
        var nextProgress = ProgressInterval;
        long left;
        while ((left = await UnpublishedAsync(tasksDb)) > 0 && sinceCommit.Elapsed < Timeout)
        {
            if (left < events) firstPickup ??= sinceCommit.Elapsed;
            if (sinceCommit.Elapsed >= nextProgress)
            {
                Console.WriteLine($"  {sinceCommit.Elapsed.TotalSeconds:F0} s: {events - left} published, {left} left");
                nextProgress += ProgressInterval;
            }
            await Task.Delay(PollInterval);
        }
        var elapsed = sinceCommit.Elapsed;
        firstPickup ??= elapsed;
        var published = events - left;
        var perSecond = published / elapsed.TotalSeconds;

        Console.WriteLine();
        Console.WriteLine(left == 0
            ? FormattableString.Invariant($"relay: published {events} in {elapsed.TotalMilliseconds:F0} ms from the commit = {perSecond:F0} events/s")
            : FormattableString.Invariant($"relay: NOT drained after {elapsed.TotalSeconds:F0} s: {published} of {events} published = {perSecond:F0} events/s"));
        // The relay is woken in-process by the Api's own writes: this insert from outside waits for its next poll (at most 1 s).
        Console.WriteLine(FormattableString.Invariant(
            $"first rows published {firstPickup.Value.TotalMilliseconds:F0} ms after the commit (woken by the commit's notification; that wait counts in the rate above); from the first pickup on: {published / Math.Max((elapsed - firstPickup.Value).TotalSeconds, 0.001):F0} events/s"));
        Target($"relay >= {TargetPerSecond:F0} events/s", left == 0 && perSecond >= TargetPerSecond);
    }

    private static async Task<long> UnpublishedAsync(NpgsqlDataSource tasksDb)
    {
        await using var command = tasksDb.CreateCommand(Unpublished);
        command.Parameters.AddWithValue("topic", Topic);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
