using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Confluent.Kafka;

namespace TaskFlow.Benchmarks.Reminders;

/// <summary>
/// Reminder lateness (fired_at − remind_at of each <c>reminder.due</c>) for many reminders due within a short window,
/// on the real AppHost: tasks are created through the API with remind_at set, then the <c>reminders</c> topic is
/// read back with a plain Kafka consumer.
/// </summary>
public static class RemindersBenchmark
{
    private const int Users = 5;

    public static async Task RunAsync(BenchmarkOptions options)
    {
        var count = options.Int("reminders", 1000, min: 10, max: 20_000);
        var window = TimeSpan.FromSeconds(options.Int("window-seconds", 20, min: 1, max: 600));
        options.RejectUnknown();

        await using var bench = await BenchmarkApp.StartAsync(new Dictionary<string, string>());
        var users = new List<HttpClient>();
        for (var i = 0; i < Users; i++) users.Add((await bench.SignUpAsync("reminders")).Client);

        // Long enough to create every task before the first one is due (the Api allows 300 requests per 10 s per user).
        var lead = TimeSpan.FromSeconds(10 + count / (Users * 25.0));
        var firstDue = DateTimeOffset.UtcNow + lead;
        var spacing = window / count;
        Console.WriteLine($"Creating {count} tasks for {Users} users, reminders due from {firstDue:HH:mm:ss.fff} over {window.TotalSeconds:F0} s ...");

        var taskIds = new HashSet<int>();
        var created = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, ct) =>
        {
            var remindAt = firstDue + spacing * i;
            var response = await users[i % Users].PostAsJsonAsync("/api/tasks",
                new { title = $"Reminder {i}", remind_at = remindAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture) }, ct);
            if (!response.IsSuccessStatusCode)
                throw new InvalidOperationException($"create {i}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(ct)}");
            var taskId = (await response.Content.ReadFromJsonAsync<JsonObject>(ct))!["task_id"]!.GetValue<int>();
            lock (taskIds) taskIds.Add(taskId);
            if ((i + 1) % 200 == 0) Console.WriteLine($"  created {i + 1}/{count}");
        });
        Console.WriteLine($"Created {count} tasks in {created.Elapsed.TotalSeconds:F1} s; "
            + (DateTimeOffset.UtcNow < firstDue ? $"{(firstDue - DateTimeOffset.UtcNow).TotalSeconds:F1} s before the first is due." : "AFTER the first was due: early reminders will look late."));

        var lateness = new Latency();
        var fired = new Dictionary<int, int>();
        var deadline = DateTime.UtcNow + lead + window + TimeSpan.FromSeconds(60);
        using var consumer = new ConsumerBuilder<string, byte[]>(new ConsumerConfig
        {
            BootstrapServers = await bench.ConnectionStringAsync("kafka"),
            GroupId = "bench-" + Guid.NewGuid().ToString("N"),
            AutoOffsetReset = AutoOffsetReset.Earliest,
            EnableAutoCommit = false,
            FetchWaitMaxMs = 10,
            SessionTimeoutMs = 6000,
            AllowAutoCreateTopics = true,
        }).Build();
        consumer.Subscribe("reminders");
        while (fired.Count < count && DateTime.UtcNow < deadline)
        {
            ConsumeResult<string, byte[]>? result;
            try
            {
                result = consumer.Consume(TimeSpan.FromMilliseconds(200));
            }
            catch (ConsumeException exception) when (!exception.Error.IsFatal)
            {
                // The dev broker creates reminders only when the first reminder is published.
                continue;
            }
            if (result?.Message is null) continue;
            var data = JsonNode.Parse(result.Message.Value)?["data"];
            var taskId = data?["task_id"]?.GetValue<int>() ?? -1;
            if (!taskIds.Contains(taskId)) continue;
            fired[taskId] = fired.GetValueOrDefault(taskId) + 1;
            if (fired[taskId] == 1)
                lateness.Add(DateTimeOffset.Parse(data!["fired_at"]!.GetValue<string>(), CultureInfo.InvariantCulture)
                    - DateTimeOffset.Parse(data["remind_at"]!.GetValue<string>(), CultureInfo.InvariantCulture));
        }
        consumer.Close();

        Console.WriteLine();
        Console.WriteLine($"reminders fired: {fired.Count} of {count}; fired more than once: {fired.Count(f => f.Value > 1)}");
        Console.WriteLine($"lateness (fired_at - remind_at) ms: p50 {lateness.Percentile(50):F0}  p90 {lateness.Percentile(90):F0}  p99 {lateness.Percentile(99):F0}  max {lateness.Max:F0}");
        Console.WriteLine($"target: p99 <= 1000 ms -> {(lateness.Percentile(99) <= 1000 ? "met" : "NOT met")}");
    }
}
