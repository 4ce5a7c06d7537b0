using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;

using static TaskFlow.IntegrationTests.Clients.Instants;

namespace TaskFlow.IntegrationTests.Workers;

/// <summary>
/// Postgres, Redis or the broker stops while users write: no 500s, and nothing accepted is lost or doubled. Each outage
/// on services and infrastructure of its own (a class fixture each), as it would fail the other tests; the three run at
/// once.
/// </summary>
public abstract class OutageTests
{
    /// <summary>A task whose reminder fires a few seconds after it is written (during the outage, for most).</summary>
    protected static object RemindedTask(int i) => new { title = $"Fault test {i}", remind_at = DateTimeOffset.UtcNow.AddSeconds(5) };

    /// <summary>Each accepted task has exactly one audit entry and exactly one notification (its reminder).</summary>
    protected static async Task AssertAuditedAndRemindedOnceAsync(TaskFlowUser user, IReadOnlyCollection<int> taskIds)
    {
        await AssertAuditedOnceAsync(user, taskIds);
        var reminded = await WaitForNotificationsAsync(user, taskIds.Count, TimeSpan.FromSeconds(90));
        // A little longer: a doubled notification would arrive just after the expected ones.
        await Task.Delay(TimeSpan.FromSeconds(1));
        reminded = await WaitForNotificationsAsync(user, taskIds.Count, TimeSpan.Zero);
        Assert.Equal(taskIds.Order(), reminded.Order());
    }

    /// <summary>The task ids of the user's notifications once there are <paramref name="count"/> (or the time is up).</summary>
    protected static async Task<List<int>> WaitForNotificationsAsync(TaskFlowUser user, int count, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var notifications = (await user.Http.GetFromJsonAsync<JsonArray>("/api/notifications?limit=200"))!;
            var taskIds = notifications.Select(n => n!["task_id"]!.GetValue<int>()).ToList();
            if (taskIds.Count >= count || DateTime.UtcNow >= deadline) return taskIds;
            await Task.Delay(500);
        }
    }

    protected static async Task AssertAuditedOnceAsync(TaskFlowUser user, IEnumerable<int> taskIds)
    {
        foreach (var taskId in taskIds)
        {
            var history = await user.WaitForHistoryAsync(taskId, 1, TimeSpan.FromSeconds(60));
            Assert.Equal(["task.created"], history.Select(e => e!["event_type"]!.GetValue<string>()));
        }
    }

    /// <summary>One user creating tasks one after another, as a client would, counting the answers.</summary>
    protected sealed class Writes(TaskFlowUser user, Func<int, object>? body = null, TimeSpan? pause = null)
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentDictionary<int, int> _statuses = new();

        public ConcurrentQueue<int> Accepted { get; } = new();
        public ConcurrentQueue<int> RetryAfter { get; } = new();

        public Task RunAsync() => Task.Run(async () =>
        {
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await user.Http.PostAsJsonAsync("/api/tasks", body?.Invoke(i) ?? new { title = $"Fault test {i}" });
                    _statuses.AddOrUpdate((int)response.StatusCode, 1, (_, n) => n + 1);
                    if (response.StatusCode == HttpStatusCode.Created)
                        Accepted.Enqueue((await response.Content.ReadFromJsonAsync<JsonObject>())!["task_id"]!.GetValue<int>());
                    else if (response.Headers.RetryAfter?.Delta is { } delay)
                        RetryAfter.Enqueue((int)delay.TotalSeconds);
                }
                catch (HttpRequestException)
                {
                    _statuses.AddOrUpdate(0, 1, (_, n) => n + 1);
                }
                await Task.Delay(pause ?? TimeSpan.FromMilliseconds(20));
            }
        });

        public async Task UntilAcceptedAsync(int count, TimeSpan timeout)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (Accepted.Count < count && DateTime.UtcNow < deadline) await Task.Delay(100);
            Assert.True(Accepted.Count >= count, $"only {Accepted.Count} writes accepted, expected {count}");
        }

        public async Task<SortedDictionary<int, int>> StopAsync(Task writing)
        {
            await _stop.CancelAsync();
            await writing;
            return new SortedDictionary<int, int>(_statuses);
        }
    }
}

/// <summary>Postgres stops for a while: writes are 503s with Retry-After meanwhile.</summary>
public sealed class PostgresOutageTests(OutageServices app, ITestOutputHelper output) : OutageTests, IClassFixture<OutageServices>
{
    [Fact]
    public async Task With_postgres_stopped_for_10_seconds_writes_are_503s_with_retry_after_and_every_accepted_one_is_audited_and_reminded_once()
    {
        var user = await app.SignUpAsync();
        var writes = new Writes(user, RemindedTask, pause: TimeSpan.FromMilliseconds(200));
        var writing = writes.RunAsync();

        await Task.Delay(1000);
        await app.Resources.StopAsync("postgres");
        await Task.Delay(TimeSpan.FromSeconds(10));
        var acceptedWhileDown = writes.Accepted.Count;
        await app.Resources.StartAsync("postgres");
        await writes.UntilAcceptedAsync(acceptedWhileDown + 5, TimeSpan.FromMinutes(1));
        var statuses = await writes.StopAsync(writing);
        output.WriteLine($"answers: {string.Join(", ", statuses.Select(s => $"{s.Key}x{s.Value}"))}");

        Assert.DoesNotContain(statuses.Keys, status => status >= 500 && status != 503);
        Assert.True(statuses.GetValueOrDefault(503) > 0, "no write was refused while postgres was stopped");
        Assert.All(writes.RetryAfter, seconds => Assert.InRange(seconds, 1, 60));
        await AssertAuditedAndRemindedOnceAsync(user, writes.Accepted);
    }
}

/// <summary>Redis stops and comes back empty.</summary>
public sealed class RedisOutageTests(OutageServices app, ITestOutputHelper output) : OutageTests, IClassFixture<OutageServices>
{
    [Fact]
    public async Task With_redis_stopped_and_restarted_empty_every_accepted_write_is_audited_and_reminded_once()
    {
        var user = await app.SignUpAsync();
        var writes = new Writes(user, RemindedTask, pause: TimeSpan.FromMilliseconds(250));
        var writing = writes.RunAsync();

        await Task.Delay(1000);
        await app.Resources.StopAsync("redis");
        await Task.Delay(TimeSpan.FromSeconds(10));
        await app.Resources.StartAsync("redis");
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await app.App.GetConnectionStringAsync("redis") + ",allowAdmin=true"))
        {
            foreach (var server in redis.GetServers()) await server.FlushAllDatabasesAsync();
        }
        await writes.UntilAcceptedAsync(writes.Accepted.Count + 5, TimeSpan.FromMinutes(1));
        var statuses = await writes.StopAsync(writing);
        output.WriteLine($"answers: {string.Join(", ", statuses.Select(s => $"{s.Key}x{s.Value}"))}");

        Assert.Equal([201], statuses.Keys);
        await AssertAuditedAndRemindedOnceAsync(user, writes.Accepted);
    }

    /// <summary>On this class's own Redis: emptying the shared one would take the other tests' data (chat, rate limits) with it.</summary>
    [Fact]
    public async Task A_reminder_survives_redis_losing_all_its_data()
    {
        var user = await app.SignUpAsync();
        var taskId = await user.CreateTaskIdAsync(new { title = "Survivor", remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(4)) });
        await Task.Delay(TimeSpan.FromSeconds(1));

        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(await app.App.GetConnectionStringAsync("redis") + ",allowAdmin=true"))
        {
            foreach (var server in redis.GetServers()) await server.FlushAllDatabasesAsync();
        }

        var notification = (await user.WaitForNotificationsAsync(1))[0]!;
        Assert.Equal(taskId, notification["task_id"]!.GetValue<int>());
    }
}

/// <summary>The broker is unreachable for a while: writes are still accepted (the outbox keeps them).</summary>
public sealed class BrokerOutageTests(OutageServices app, ITestOutputHelper output) : OutageTests, IClassFixture<OutageServices>
{
    [Fact]
    public async Task With_the_broker_unreachable_for_15_seconds_writes_are_still_accepted_and_each_is_audited_and_reminded_once_after()
    {
        var user = await app.SignUpAsync();
        var writes = new Writes(user, RemindedTask, pause: TimeSpan.FromMilliseconds(250));
        var writing = writes.RunAsync();

        await Task.Delay(1000);
        await app.Resources.ExecuteAsync("kafka", TaskFlow.AppHost.DevKafkaBrokerBuilderExtensions.TakeDownCommand);
        var acceptedBeforeOutage = writes.Accepted.Count;
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(15));
            // The outage is real: what was written during it has not reached the audit.
            var writtenDuringOutage = writes.Accepted.Last();
            Assert.Empty((await user.Http.GetFromJsonAsync<JsonArray>($"/api/tasks/{writtenDuringOutage}/history"))!);
        }
        finally
        {
            await app.Resources.ExecuteAsync("kafka", TaskFlow.AppHost.DevKafkaBrokerBuilderExtensions.BringUpCommand);
        }
        var acceptedDuringOutage = writes.Accepted.Count - acceptedBeforeOutage;
        await writes.UntilAcceptedAsync(writes.Accepted.Count + 5, TimeSpan.FromMinutes(1));
        var statuses = await writes.StopAsync(writing);
        output.WriteLine($"answers: {string.Join(", ", statuses.Select(s => $"{s.Key}x{s.Value}"))}; {acceptedDuringOutage} accepted during the outage");

        Assert.Equal([201], statuses.Keys);
        Assert.True(acceptedDuringOutage > 20, $"only {acceptedDuringOutage} writes accepted while the broker was down");
        await AssertAuditedAndRemindedOnceAsync(user, writes.Accepted);
    }
}

/// <summary>The middle tier's services (one instance each) on infrastructure of their own, for tests that stop parts of it.</summary>
public sealed class OutageServices() : TaskFlowServices(apiInstances: 1, workersInstances: 1);
