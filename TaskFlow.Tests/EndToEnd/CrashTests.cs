using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>At-least-once delivery plus de-duplication, checked by crashing a service for real (kill -9) mid-write.</summary>
[Collection(TaskFlowAppCollection.Name)]
public sealed class CrashTests(TaskFlowApp app)
{
    /// <summary>
    /// The Workers, killed mid-batch, must audit each change once, fire each reminder once and create each next
    /// occurrence once: the even tasks have a reminder, the odd ones repeat daily and are completed.
    /// </summary>
    [Fact]
    public async Task Killing_the_workers_while_tasks_are_written_loses_and_doubles_no_audit_entry_reminder_or_occurrence()
    {
        var user = await app.SignUpAsync();
        var reminded = new List<int>();
        var repeated = new List<(int TaskId, string SeriesId)>();
        var remindAt = DateTimeOffset.UtcNow.AddSeconds(10).ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture);

        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                if (i % 2 == 0)
                {
                    var taskId = (await user.CreateTaskAsync(new { title = $"Crash test {i}", remind_at = remindAt }))["task_id"]!.GetValue<int>();
                    await user.PatchAsync($"/api/tasks/{taskId}", """{"status":"in_progress"}""");
                    lock (reminded) reminded.Add(taskId);
                }
                else
                {
                    var task = await user.CreateTaskAsync(new { title = $"Crash test {i}", due_date = "2030-01-01", recurrence = "daily" });
                    var taskId = task["task_id"]!.GetValue<int>();
                    Assert.Equal(HttpStatusCode.OK, (await user.Http.PostAsync($"/api/tasks/{taskId}/complete", null)).StatusCode);
                    lock (repeated) repeated.Add((taskId, task["series_id"]!.GetValue<string>()));
                }
                await Task.Delay(25);
            }
        });

        await Task.Delay(500);
        var killed = await app.KillAsync("workers");
        await writer;
        await app.StartAgainAsync("workers", killed);

        foreach (var taskId in reminded.Concat(repeated.Select(r => r.TaskId)))
        {
            var history = await user.WaitForHistoryAsync(taskId, 2, TimeSpan.FromSeconds(60));
            Assert.Equal(["task.created", "task.updated"], history.Select(e => e!["event_type"]!.GetValue<string>()));
        }
        // Every series has its next occurrence and every reminder its notification, then a little longer: a doubled
        // occurrence or notification would arrive just after the expected ones.
        async Task<(int[] Occurrences, int[] Notified)> ReadAsync() => (
            await Task.WhenAll(repeated.Select(async r => (await user.Http.GetFromJsonAsync<JsonObject>($"/api/series/{r.SeriesId}"))!["occurrences"]!.AsArray().Count)),
            (await user.Http.GetFromJsonAsync<JsonArray>("/api/notifications?limit=200"))!.Select(n => n!["task_id"]!.GetValue<int>()).ToArray());
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var (occurrences, notified) = await ReadAsync();
        while ((occurrences.Any(count => count < 2) || notified.Length < reminded.Count) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(250);
            (occurrences, notified) = await ReadAsync();
        }
        await Task.Delay(TimeSpan.FromSeconds(1));
        (occurrences, notified) = await ReadAsync();
        Assert.All(occurrences, count => Assert.Equal(2, count));
        Assert.Equal(reminded.Order(), notified.Order());
    }

    /// <summary>
    /// Writes in flight when the Api dies either committed (task and outbox row together) or not at all; what was
    /// committed but not yet relayed is published by the restarted Api. Every write the client saw accepted has
    /// exactly one audit entry. A chat conversation lives in Redis, not in the Api: it goes on after the restart.
    /// </summary>
    [Fact]
    public async Task Killing_the_api_while_tasks_are_written_loses_and_doubles_no_audit_entry_nor_a_chat_conversation()
    {
        var user = await app.SignUpAsync();
        var added = await user.ChatAsync(null, """call add_task {"title":"Call the plumber","priority":"high"}""");
        var conversationId = added["conversation_id"]!.GetValue<string>();
        var accepted = new List<int>();
        using var stop = new CancellationTokenSource();

        var writer = Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    var response = await user.Http.PostAsJsonAsync("/api/tasks", new { title = $"Api crash test {i}" });
                    if (response.StatusCode == HttpStatusCode.Created)
                    {
                        var taskId = (await response.Content.ReadFromJsonAsync<JsonObject>())!["task_id"]!.GetValue<int>();
                        lock (accepted) accepted.Add(taskId);
                    }
                }
                catch (HttpRequestException)
                {
                    // The Api is down: this write was refused (or its answer lost), as a client would see it.
                }
                await Task.Delay(10);
            }
        });

        await Task.Delay(1000);
        var killed = await app.KillAsync("api");
        var acceptedBeforeKill = Count(accepted);
        await app.StartAgainAsync("api", killed);
        await Task.Delay(1000);
        await stop.CancelAsync();
        await writer;

        var continued = await user.ChatAsync(conversationId, "hello again");
        Assert.Equal(conversationId, continued["conversation_id"]!.GetValue<string>());
        var conversation = await user.Http.GetFromJsonAsync<JsonObject>($"/api/chat/{conversationId}");
        Assert.Equal(["user", "assistant", "user", "assistant"], conversation!["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("add_task", conversation["messages"]![1]!["tool_calls"]![0]!["name"]!.GetValue<string>());

        Assert.True(acceptedBeforeKill > 5, $"only {acceptedBeforeKill} writes were accepted before the kill");
        Assert.True(Count(accepted) > acceptedBeforeKill, "no write was accepted after the Api came back");
        foreach (var taskId in accepted)
        {
            var history = await user.WaitForHistoryAsync(taskId, 1, TimeSpan.FromSeconds(60));
            Assert.Equal(["task.created"], history.Select(e => e!["event_type"]!.GetValue<string>()));
        }
    }

    private static int Count(List<int> list)
    {
        lock (list) return list.Count;
    }
}
