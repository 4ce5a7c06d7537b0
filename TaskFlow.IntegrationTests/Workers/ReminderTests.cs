using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using StackExchange.Redis;

using static TaskFlow.IntegrationTests.Clients.Instants;

namespace TaskFlow.IntegrationTests.Workers;

/// <summary>Reminders fire on time and once and move with their task (Redis losing its data: <see cref="RedisOutageTests"/>).</summary>
public sealed class ReminderTests(TaskFlowServices app)
{
    [Fact]
    public async Task A_reminder_three_seconds_ahead_fires_once_and_makes_one_notification()
    {
        var user = await app.SignUpAsync();
        var remindAt = DateTimeOffset.UtcNow.AddSeconds(3);
        var taskId = await user.CreateTaskIdAsync(new { title = "Call the bank", due_at = Iso(remindAt.AddHours(1)), remind_at = Iso(remindAt) });

        var notification = (await user.WaitForNotificationsAsync(1))[0]!;
        await Task.Delay(TimeSpan.FromSeconds(2));

        Assert.Equal(taskId, notification["task_id"]!.GetValue<int>());
        Assert.Equal("Call the bank", notification["title"]!.GetValue<string>());
        Assert.Equal("delivered", notification["delivery_status"]!.GetValue<string>());
        Assert.Single(await user.NotificationsAsync());
        var fired = Assert.Single(ReadReminders(taskId, TimeSpan.FromSeconds(5)));
        var data = fired.Json["data"]!;
        Assert.Equal("reminder.due", fired.Json["event_type"]!.GetValue<string>());
        Assert.Equal(taskId.ToString(), fired.Key);
        Assert.Equal(["task_id", "user_id", "title", "due_at", "remind_at", "fired_at"], data.AsObject().Select(p => p.Key));
        Assert.True(Instant(data["fired_at"]) >= Instant(data["remind_at"]), $"fired early: {data}");
    }

    [Fact]
    public async Task Rescheduling_moves_the_reminder_to_the_new_time()
    {
        var user = await app.SignUpAsync();
        // Far enough ahead that the change reaches the Workers first on a busy machine (a loaded test run took over 3 s).
        var first = DateTimeOffset.UtcNow.AddSeconds(8);
        var taskId = await user.CreateTaskIdAsync(new { title = "Moved", remind_at = Iso(first) });
        var moved = first.AddSeconds(3);
        Assert.Equal(HttpStatusCode.OK, (await user.PatchAsync($"/api/tasks/{taskId}", $$"""{"remind_at":"{{Iso(moved)}}"}""")).StatusCode);

        var notification = (await user.WaitForNotificationsAsync(1))[0]!;

        Assert.Equal(moved.ToUnixTimeSeconds(), Instant(notification["remind_at"]).ToUnixTimeSeconds());
        var fired = Assert.Single(ReadReminders(taskId, TimeSpan.FromSeconds(5)));
        Assert.True(Instant(fired.Json["data"]!["fired_at"]) >= moved.AddMilliseconds(-1), "fired at the old time");
    }

    [Fact]
    public async Task Remind_before_follows_the_due_time()
    {
        var user = await app.SignUpAsync();
        var task = await user.CreateTaskAsync(new { title = "Dentist", due_at = "2030-05-01T10:00:00+02:00", remind_before = "PT30M" });
        Assert.Equal("2030-05-01T07:30:00Z", task["remind_at"]!.GetValue<string>());
        Assert.Equal("PT30M", task["remind_before"]!.GetValue<string>());

        var moved = await (await user.PatchAsync($"/api/tasks/{task["task_id"]}", """{"due_at":"2030-05-02T10:00:00+02:00"}""")).Content.ReadFromJsonAsync<JsonObject>();

        Assert.Equal("2030-05-02T07:30:00Z", moved!["remind_at"]!.GetValue<string>());
    }

    private List<BrokerMessage> ReadReminders(int taskId, TimeSpan readFor, int expected = 1) =>
        app.ReadTopic("reminders", json => json["data"]?["task_id"]?.GetValue<int>() == taskId, found => found.Count > expected, readFor);
}
