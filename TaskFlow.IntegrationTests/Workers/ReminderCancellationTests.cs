using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

using static TaskFlow.IntegrationTests.Clients.Instants;

namespace TaskFlow.IntegrationTests.Workers;

/// <summary>Completing a task cancels its reminder; snoozing a notification fires it again.</summary>
public sealed class ReminderCancellationTests(TaskFlowServices app)
{
    [Fact]
    public async Task Completing_the_task_cancels_its_reminder()
    {
        var user = await app.SignUpAsync();
        // Far enough ahead that the completion reaches the Workers first on a busy machine (the whole middle tier at
        // once on two cores has delayed events by more than 8 s).
        var remindAt = DateTimeOffset.UtcNow.AddSeconds(15);
        var taskId = await user.CreateTaskIdAsync(new { title = "Done early", remind_at = Iso(remindAt) });
        Assert.Equal(HttpStatusCode.OK, (await user.Http.PostAsync($"/api/tasks/{taskId}/complete", null)).StatusCode);

        // Past the time it was set for, with room for it to have fired.
        await Task.Delay(remindAt - DateTimeOffset.UtcNow + TimeSpan.FromSeconds(3));

        Assert.Empty(await user.NotificationsAsync());
        Assert.Empty(ReadReminders(taskId, TimeSpan.FromSeconds(2)));
    }

    [Fact]
    public async Task Snoozing_a_notification_fires_the_reminder_again()
    {
        var user = await app.SignUpAsync();
        var taskId = await user.CreateTaskIdAsync(new { title = "Stretch", remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(2)) });
        var first = (await user.WaitForNotificationsAsync(1))[0]!;
        foreach (var bad in new[] { """{"minutes":"5"}""", """{"minutes":0}""", """{"until":"tomorrow"}""" })
        {
            var refused = await user.PostRawAsync($"/api/notifications/{first["notification_id"]}/snooze", bad);
            var problem = await refused.Content.ReadAsStringAsync();
            Assert.True(refused.StatusCode == HttpStatusCode.BadRequest, $"{bad}: {(int)refused.StatusCode} {problem}");
            Assert.NotNull(JsonNode.Parse(problem)!["errors"]![bad.Contains("until") ? "until" : "minutes"]);
        }

        var snooze = await user.Http.PostAsJsonAsync($"/api/notifications/{first["notification_id"]}/snooze",
            new { until = Iso(DateTimeOffset.UtcNow.AddSeconds(3)) });
        Assert.Equal(HttpStatusCode.OK, snooze.StatusCode);
        Assert.NotNull((await snooze.Content.ReadFromJsonAsync<JsonObject>())!["read_at"]);

        var both = await user.WaitForNotificationsAsync(2);
        Assert.All(both, n => Assert.Equal(taskId, n!["task_id"]!.GetValue<int>()));
        Assert.Single(await user.NotificationsAsync("?unread=true"));
        Assert.Equal(2, ReadReminders(taskId, TimeSpan.FromSeconds(5), expected: 2).Count);
    }

    private List<BrokerMessage> ReadReminders(int taskId, TimeSpan readFor, int expected = 1) =>
        app.ReadTopic("reminders", json => json["data"]?["task_id"]?.GetValue<int>() == taskId, found => found.Count > expected, readFor);
}
