using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Lists;

/// <summary>What the Workers do for a shared list: who is told of an assignment, and who a reminder goes to.</summary>
public sealed class SharedListWorkersTests(TaskFlowServices app)
{
    private static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'");

    private async Task<(TaskFlowUser Owner, TaskFlowUser Editor, int ListId)> SharedAsync()
    {
        var owner = await app.SignUpAsync();
        var editor = await app.SignUpAsync();
        return (owner, editor, await owner.ShareListAsync("Chores", editor, "editor"));
    }

    [Fact]
    public async Task An_assignment_notifies_the_assignee_once_and_assigning_oneself_notifies_nobody()
    {
        var (owner, editor, listId) = await SharedAsync();
        var editorId = await editor.UserIdAsync();
        var ownerId = await owner.UserIdAsync();

        var assigned = await owner.CreateTaskIdAsync(new { title = "Take out the bins", list_id = listId, assignee_id = editorId });
        var selfAssigned = await owner.CreateTaskIdAsync(new { title = "Water the plants", list_id = listId, assignee_id = ownerId });
        var later = await owner.CreateTaskIdAsync(new { title = "Fix the shelf", list_id = listId });
        Assert.Equal(HttpStatusCode.OK, (await owner.PatchAsync($"/api/tasks/{later}", $$"""{"assignee_id":"{{editorId}}"}""")).StatusCode);

        var notifications = await editor.WaitForNotificationsAsync(2, n => n["message"]!.GetValue<string>().EndsWith("was assigned to you.", StringComparison.Ordinal));
        Assert.Equal(new[] { assigned, later }.Order(), notifications.Select(n => n!["task_id"]!.GetValue<int>()).Order());
        Assert.Contains(notifications, n => n!["title"]!.GetValue<string>() == "Fix the shelf");
        // The owner's history of the self-assigned task is complete, and it brought the owner no notification.
        await owner.WaitForHistoryAsync(selfAssigned, 1, TimeSpan.FromSeconds(15));
        Assert.DoesNotContain(await owner.NotificationsAsync(), n => n!["task_id"]!.GetValue<int>() == selfAssigned);
    }

    [Fact]
    public async Task A_reminder_goes_to_the_assignee_and_after_its_creator_left_to_the_list_s_owner()
    {
        var (owner, editor, listId) = await SharedAsync();
        var editorId = await editor.UserIdAsync();
        var soon = DateTimeOffset.UtcNow.AddSeconds(3);

        var forEditor = await owner.CreateTaskIdAsync(new { title = "Call the plumber", list_id = listId, assignee_id = editorId, remind_at = Iso(soon) });
        var editorsOwn = await editor.CreateTaskIdAsync(new { title = "Buy light bulbs", list_id = listId, remind_at = Iso(soon.AddSeconds(1)) });
        // The editor leaves before either fires: their own task passes to the owner, the assigned one loses its assignee.
        Assert.Equal(HttpStatusCode.NoContent, (await editor.Http.DeleteAsync($"/api/lists/{listId}/members/{editorId}")).StatusCode);

        var reminders = await owner.WaitForNotificationsAsync(2, n => n["message"]!.GetValue<string>().StartsWith("Reminder", StringComparison.Ordinal));
        Assert.Equal(new[] { forEditor, editorsOwn }.Order(), reminders.Select(n => n!["task_id"]!.GetValue<int>()).Order());
        // The editor was told of the assignment while they were a member, and got no reminder.
        Assert.DoesNotContain(await editor.NotificationsAsync(), (JsonNode? n) => n!["message"]!.GetValue<string>().StartsWith("Reminder", StringComparison.Ordinal));
        var history = await owner.WaitForHistoryAsync(editorsOwn, 2, TimeSpan.FromSeconds(15));
        Assert.Equal(await owner.UserIdAsync(), history[^1]!["changes"]!["user_id"]!["new"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_reminder_of_an_assigned_task_goes_to_its_assignee_only()
    {
        var (owner, editor, listId) = await SharedAsync();
        var taskId = await owner.CreateTaskIdAsync(new { title = "Renew the lease", list_id = listId, assignee_id = await editor.UserIdAsync(),
            remind_at = Iso(DateTimeOffset.UtcNow.AddSeconds(2)) });

        var reminder = await editor.WaitForNotificationsAsync(2, n => n["task_id"]!.GetValue<int>() == taskId);
        Assert.Contains(reminder, n => n!["message"]!.GetValue<string>().StartsWith("Reminder", StringComparison.Ordinal));
        Assert.DoesNotContain(await owner.NotificationsAsync(), (JsonNode? n) => n!["task_id"]!.GetValue<int>() == taskId);
    }

    [Fact]
    public async Task The_next_occurrence_of_a_recurring_task_stays_in_its_list_with_its_assignee_for_every_member()
    {
        var (owner, editor, listId) = await SharedAsync();
        var editorId = await editor.UserIdAsync();
        var first = await owner.CreateTaskAsync(new { title = "Water the plants", list_id = listId, assignee_id = editorId, due_date = "2030-03-30", recurrence = "weekly" });
        var seriesId = first["series_id"]!.GetValue<string>();

        // The assignee completes it; the next occurrence is created for the list, not for either of them alone.
        Assert.Equal(HttpStatusCode.OK, (await editor.Http.PostAsync($"/api/tasks/{first["task_id"]}/complete", null)).StatusCode);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        JsonArray occurrences = [];
        while (DateTime.UtcNow < deadline && occurrences.Count < 2)
        {
            occurrences = (await owner.Http.GetFromJsonAsync<JsonObject>($"/api/series/{seriesId}"))!["occurrences"]!.AsArray();
            if (occurrences.Count < 2) await Task.Delay(250);
        }
        Assert.Equal(2, occurrences.Count);

        var next = await editor.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{occurrences[1]!["task_id"]}");
        Assert.Equal((listId, editorId, "2030-04-06"), (next!["list_id"]!.GetValue<int>(), next["assignee_id"]!.GetValue<string>(), next["due_date"]!.GetValue<string>()));
    }
}
