using TaskFlow.AppHost;
using TaskFlow.Tests.EndToEnd;

namespace TaskFlow.Tests.Dapr;

/// <summary>The whole system on the Dapr transport: real sidecars, placement and pub/sub. Needs daprd on this machine.</summary>
public sealed class DaprTransportTests
{
    [Fact]
    public async Task With_the_Dapr_transport_task_changes_reach_the_audit_through_the_sidecars()
    {
        if (DaprInstallation.FindDaprd() is null)
            Assert.Skip("daprd was not found on PATH or in ~/.dapr/bin; install the Dapr CLI and run `dapr init --slim` to run this test.");

        await using var app = TaskFlowApp.WithArguments("--Messaging:Transport=dapr");
        await app.InitializeAsync();
        var user = await app.SignUpAsync();

        var taskId = (await user.CreateTaskAsync(new { title = "Via Dapr" }))["task_id"]!.GetValue<int>();
        await user.PatchAsync($"/api/tasks/{taskId}", """{"status":"in_progress"}""");
        var history = await user.WaitForHistoryAsync(taskId, 2, TimeSpan.FromSeconds(60));

        Assert.Equal(["task.created", "task.updated"], history.Select(e => e!["event_type"]!.GetValue<string>()));
        Assert.Equal(["event_id", "event_type", "version", "timestamp", "data"],
            app.ReadTaskEvents(taskId, expected: 2, TimeSpan.FromSeconds(30))[0].Json.Select(p => p.Key));
    }
}
