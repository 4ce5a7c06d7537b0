namespace TaskFlow.IntegrationTests.Events;

/// <summary>What a plain Kafka client sees on the broker, independent of TaskFlow's own consumer code.</summary>
public sealed class BrokerTests(TaskFlowServices app)
{
    [Fact]
    public async Task Task_events_on_the_broker_have_the_seed_fields_headers_and_the_task_id_as_key()
    {
        var user = await app.SignUpAsync();
        var taskId = (await user.CreateTaskAsync(new { title = "On the wire", priority = "high", category = "work", due_date = "2026-12-24" }))["task_id"]!.GetValue<int>();
        await user.PatchAsync($"/api/tasks/{taskId}", """{"title":"On the wire, renamed"}""");
        await user.Http.DeleteAsync($"/api/tasks/{taskId}");

        var messages = app.ReadTaskEvents(taskId, expected: 3, TimeSpan.FromSeconds(30));

        Assert.Equal(["task.created", "task.updated", "task.deleted"], messages.Select(m => m.Json["event_type"]!.GetValue<string>()));
        foreach (var (key, headers, json, _, _) in messages)
        {
            Assert.Equal(taskId.ToString(), key);
            Assert.Equal(["event_id", "event_type", "version", "timestamp", "data"], json.Select(p => p.Key));
            Assert.Equal("1.0", json["version"]!.GetValue<string>());
            Assert.EndsWith("Z", json["timestamp"]!.GetValue<string>());
            Assert.Equal(json["event_id"]!.GetValue<string>(), headers["event_id"]);
            Assert.Equal(json["event_type"]!.GetValue<string>(), headers["event_type"]);
            Assert.Matches("^00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]$", headers["traceparent"]);
            Assert.Equal(taskId, json["data"]!["task_id"]!.GetValue<int>());
            Assert.False(string.IsNullOrEmpty(json["data"]!["user_id"]!.GetValue<string>()));
        }

        var created = messages[0].Json["data"]!.AsObject();
        Assert.Equal(["task_id", "user_id", "title", "description", "priority", "category", "due_date", "status"], created.Select(p => p.Key).Take(8));
        Assert.Equal("high", created["priority"]!.GetValue<string>());
        Assert.Equal("2026-12-24", created["due_date"]!.GetValue<string>());
        Assert.Equal("pending", created["status"]!.GetValue<string>());

        var changes = messages[1].Json["data"]!["changes"]!.AsObject();
        Assert.Equal("On the wire", changes["title"]!["old"]!.GetValue<string>());
        Assert.Equal("On the wire, renamed", changes["title"]!["new"]!.GetValue<string>());

        // The seed's fields, then the list and who deleted it (added since).
        Assert.Equal(["task_id", "user_id", "list_id", "actor_id"], messages[2].Json["data"]!.AsObject().Select(p => p.Key));
    }
}
