using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Workers;

/// <summary>
/// Two Workers instances share the reminder schedule without ever firing one reminder twice: 200 reminders are due in
/// the same second before either instance runs, then both start at once, so both find all of them due together while
/// they divide the partitions between them.
/// </summary>
public sealed class ReminderReplicaTests(ReplicatedWorkersServices app) : IClassFixture<ReplicatedWorkersServices>
{
    private const int ReminderCount = 200;

    [Fact]
    public async Task With_two_workers_200_reminders_due_in_the_same_second_fire_exactly_once_each()
    {
        Assert.Equal(2, app.WorkersInstances);
        var user = await app.SignUpAsync();
        var now = DateTimeOffset.UtcNow;
        var remindAt = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, now.Minute, now.Second, TimeSpan.Zero);
        var taskIds = new List<int>();
        await Parallel.ForAsync(0, ReminderCount, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (i, _) =>
        {
            var task = await user.CreateTaskAsync(new { title = $"Same second {i}", remind_at = remindAt.AddMilliseconds(i * 4).ToString("O") });
            lock (taskIds) taskIds.Add(task["task_id"]!.GetValue<int>());
        });
        await app.StartWorkersAsync();

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonArray notifications = [];
        while (DateTime.UtcNow < deadline && notifications.Count < ReminderCount)
        {
            await Task.Delay(500);
            var response = await user.Http.GetAsync("/api/notifications?limit=200");
            // A busy machine can make one poll time out (503); the next poll asks again. A 500 is a bug.
            if (response.StatusCode == System.Net.HttpStatusCode.InternalServerError)
                Assert.Fail($"GET /api/notifications failed with 500. The Api's log:\n{await app.RecentLogsAsync("api")}");
            if (response.IsSuccessStatusCode) notifications = (await response.Content.ReadFromJsonAsync<JsonArray>())!;
        }
        await Task.Delay(TimeSpan.FromSeconds(3));
        // Both must have lived through it: one survivor alone would also fire everything exactly once.
        if (notifications.Count < ReminderCount || app.RunningWorkersInstances != 2)
            Assert.Fail($"{notifications.Count} of {ReminderCount} notifications; {app.RunningWorkersInstances} workers instances running. " +
                $"Their logs:\n{await app.RecentLogsAsync("workers", 80)}");

        var ids = taskIds.ToHashSet();
        var fired = app.ReadTopic("reminders", json => ids.Contains(json["data"]?["task_id"]?.GetValue<int>() ?? -1),
            found => found.Count > ReminderCount, TimeSpan.FromSeconds(10));
        var perTask = fired.GroupBy(m => m.Json["data"]!["task_id"]!.GetValue<int>()).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(ReminderCount, perTask.Count);
        Assert.All(perTask, pair => Assert.True(pair.Value == 1, $"task {pair.Key} fired {pair.Value} times"));
        var noted = (await user.Http.GetFromJsonAsync<JsonArray>("/api/notifications?limit=200"))!
            .Select(n => n!["task_id"]!.GetValue<int>()).ToList();
        Assert.Equal(ReminderCount, noted.Count);
        Assert.Equal(ids.Order(), noted.Order());
    }
}

/// <summary>Two Workers instances (and one Api) on infrastructure of their own; the test starts the Workers.</summary>
public sealed class ReplicatedWorkersServices() : TaskFlowServices(apiInstances: 1, workersInstances: 2, startWorkers: false);
