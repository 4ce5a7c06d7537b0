using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging.Events;
using TaskFlow.ServiceDefaults.WorkersApi;

namespace TaskFlow.UnitTests.Tasks;

/// <summary>
/// The history entry is one contract: the Workers' audit endpoint writes it and the Api reads it (both with
/// <see cref="EventJson"/>), then answers it to clients; an update's changes are read as task.updated wrote them.
/// </summary>
public sealed class TaskHistoryContractTests
{
    [Fact]
    public void A_history_entry_has_its_wire_shape_and_reads_back_unchanged()
    {
        var entry = new TaskHistoryEntry(
            EventId: Guid.Parse("0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b"),
            EventType: TaskEventTypes.Updated,
            Timestamp: DateTimeOffset.Parse("2030-01-02T03:04:05+01:00"),
            Changes: new Dictionary<string, HistoryChange>
            {
                ["title"] = new(Old: JsonValue.Create("Plan"), New: JsonValue.Create("Plan the offsite")),
                ["due_date"] = new(Old: null, New: JsonValue.Create("2030-01-08")),
            },
            ListId: 5,
            ActorId: "user-9",
            Actor: "grace@example.com");

        var json = JsonSerializer.Serialize(entry, EventJson.Options);
        var read = JsonSerializer.Deserialize<TaskHistoryEntry>(json, EventJson.Options);

        const string Expected = """
            {
              "event_id": "0193a2b4-5c6d-7e8f-9a0b-1c2d3e4f5a6b",
              "event_type": "task.updated",
              "timestamp": "2030-01-02T02:04:05Z",
              "changes": { "title": { "old": "Plan", "new": "Plan the offsite" }, "due_date": { "old": null, "new": "2030-01-08" } },
              "list_id": 5,
              "actor_id": "user-9",
              "actor": "grace@example.com"
            }
            """;
        Assert.Equal(JsonNode.Parse(Expected)!.ToJsonString(), json);
        Assert.Equal(json, JsonSerializer.Serialize(read, EventJson.Options));
    }

    [Fact]
    public void The_changes_task_updated_carries_read_as_history_changes()
    {
        var task = new TaskItem { Id = 7, UserId = "u", Title = "Plan" };
        var changes = TaskChanges.Apply(task, TaskInput.Parse(Encoding.UTF8.GetBytes("""{"title":"Plan the offsite","due_at":"2030-01-07T09:00:00Z"}"""), requireTitle: false),
            DateTimeOffset.Parse("2030-01-01T12:00:00Z"));
        var wire = JsonSerializer.SerializeToNode(changes, EventJson.Options);

        var history = wire.Deserialize<Dictionary<string, HistoryChange>>(EventJson.Options);

        Assert.Equal(["due_at", "due_date", "title"], history!.Keys.Order());
        Assert.True(JsonNode.DeepEquals(wire, JsonSerializer.SerializeToNode(history, EventJson.Options)));
    }
}
