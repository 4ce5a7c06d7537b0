using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>At-least-once delivery plus de-duplication, checked by crashing a service for real (kill -9) mid-write.</summary>
[Collection(FaultAppCollection.Name)]
public sealed class CrashTests(TaskFlowApp app)
{
    [Fact]
    public async Task Killing_the_workers_while_tasks_are_written_loses_and_doubles_no_audit_entry()
    {
        var user = await app.SignUpAsync();
        var taskIds = new List<int>();

        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 40; i++)
            {
                var taskId = (await user.CreateTaskAsync(new { title = $"Crash test {i}" }))["task_id"]!.GetValue<int>();
                await user.PatchAsync($"/api/tasks/{taskId}", """{"status":"in_progress"}""");
                lock (taskIds) taskIds.Add(taskId);
                await Task.Delay(25);
            }
        });

        await Task.Delay(500);
        var killed = await app.KillAsync("workers");
        await writer;
        await app.StartAgainAsync("workers", killed);

        foreach (var taskId in taskIds)
        {
            var history = await user.WaitForHistoryAsync(taskId, 2, TimeSpan.FromSeconds(60));
            Assert.Equal(["task.created", "task.updated"], history.Select(e => e!["event_type"]!.GetValue<string>()));
        }
    }

    /// <summary>
    /// Writes in flight when the Api dies either committed (task and outbox row together) or not at all; what was
    /// committed but not yet relayed is published by the restarted Api. Every write the client saw accepted has
    /// exactly one audit entry.
    /// </summary>
    [Fact]
    public async Task Killing_the_api_while_tasks_are_written_loses_and_doubles_no_audit_entry()
    {
        var user = await app.SignUpAsync();
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
