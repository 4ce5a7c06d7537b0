using System.Diagnostics;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>At-least-once delivery plus de-duplication, checked by crashing the consumer for real.</summary>
[Collection(TaskFlowAppCollection.Name)]
public sealed class WorkersCrashTests(TaskFlowApp app)
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
        KillWorkersProcess();
        await writer;
        await RestartWorkersAsync();

        foreach (var taskId in taskIds)
        {
            var history = await user.WaitForHistoryAsync(taskId, 2, TimeSpan.FromSeconds(60));
            Assert.Equal(["task.created", "task.updated"], history.Select(e => e!["event_type"]!.GetValue<string>()));
        }
    }

    private void KillWorkersProcess()
    {
        var pid = WorkersPid() ?? throw new InvalidOperationException("The workers resource reports no process id.");
        using var process = Process.GetProcessById(pid);
        process.Kill(entireProcessTree: true);
        process.WaitForExit(TimeSpan.FromSeconds(10));
    }

    private int? WorkersPid()
    {
        var notifications = app.App.Services.GetRequiredService<ResourceNotificationService>();
        if (!notifications.TryGetCurrentState("workers", out var state)) return null;
        var pid = state.Snapshot.Properties.FirstOrDefault(p => p.Name is "executable.pid" or "project.pid")?.Value;
        return pid is null ? null : Convert.ToInt32(pid, System.Globalization.CultureInfo.InvariantCulture);
    }

    private async Task RestartWorkersAsync()
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        var commands = app.App.Services.GetRequiredService<ResourceCommandService>();
        var result = await commands.ExecuteCommandAsync("workers", KnownResourceCommands.StartCommand, cancellation.Token);
        if (!result.Success)
            result = await commands.ExecuteCommandAsync("workers", KnownResourceCommands.RestartCommand, cancellation.Token);
        Assert.True(result.Success, $"could not restart workers: {result.Message}");
        try
        {
            await app.App.ResourceNotifications.WaitForResourceHealthyAsync("workers", cancellation.Token);
        }
        catch (DistributedApplicationException exception)
        {
            throw new InvalidOperationException($"{exception.Message} Its last log lines:\n{await app.RecentLogsAsync("workers", 80)}", exception);
        }
    }
}
