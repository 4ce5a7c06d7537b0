using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>At-least-once delivery plus de-duplication, checked by crashing a service for real (kill -9) mid-write.</summary>
[Collection(TaskFlowAppCollection.Name)]
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
        Kill("workers");
        await writer;
        await StartAgainAsync("workers");

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
        Kill("api");
        var acceptedBeforeKill = Count(accepted);
        await StartAgainAsync("api");
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

    private void Kill(string resource)
    {
        var pid = Pid(resource) ?? throw new InvalidOperationException($"The {resource} resource reports no process id.");
        using var process = Process.GetProcessById(pid);
        process.Kill(entireProcessTree: true);
        process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    private int? Pid(string resource)
    {
        var notifications = app.App.Services.GetRequiredService<ResourceNotificationService>();
        if (!notifications.TryGetCurrentState(resource, out var state)) return null;
        var pid = state.Snapshot.Properties.FirstOrDefault(p => p.Name is "executable.pid" or "project.pid")?.Value;
        return pid is null ? null : Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task StartAgainAsync(string resource)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var commands = app.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.StartCommand, cancellation.Token);
        if (!result.Success)
            result = await commands.ExecuteCommandAsync(resource, KnownResourceCommands.RestartCommand, cancellation.Token);
        Assert.True(result.Success, $"could not restart {resource}: {result.Message}");
        try
        {
            await app.App.ResourceNotifications.WaitForResourceHealthyAsync(resource, cancellation.Token);
        }
        catch (DistributedApplicationException exception)
        {
            throw new InvalidOperationException($"{exception.Message} Its last log lines:\n{await app.RecentLogsAsync(resource, 80)}", exception);
        }
    }
}
