using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Api.Data;
using TaskFlow.Api.QuickAdd;
using TaskFlow.Api.Tasks;
using TaskFlow.Api.Updates;
using TaskFlow.Messaging.Events;

namespace TaskFlow.UnitTests.Tasks;

/// <summary>
/// What carries a task's fields holds exactly the fields of <see cref="TaskFields"/>, each with its value: the request
/// bodies are made from it; a field added there and forgotten in the response or task.created, or two fields swapped in
/// their mapping, fails here, before any end-to-end test.
/// </summary>
public sealed class TaskFieldsTests
{
    [Fact]
    public void The_request_bodies_are_the_fields_clients_set_with_their_schemas()
    {
        // Creating (and previewing) also takes a quick-add line and the locale to read it in.
        string[] quickAdd = [QuickAddRequest.TextField, QuickAddRequest.LocaleField];
        foreach (var (body, extra) in new[] { (TaskRequestBodies.Create, quickAdd), (TaskRequestBodies.Parse, quickAdd), (TaskRequestBodies.Update, []) })
        {
            Assert.Equal([.. TaskFields.SettableNames, .. extra], body["properties"]!.AsObject().Select(p => p.Key));
            Assert.All(TaskFields.SettableNames, name => Assert.True(JsonNode.DeepEquals(TaskFields.SchemaOf(name), body["properties"]![name])));
            Assert.False(body["additionalProperties"]!.GetValue<bool>());
        }
        // A title, or a text to read one from.
        Assert.Equal(["title", "text"], TaskRequestBodies.Create["anyOf"]!.AsArray().Select(n => n!["required"]!.AsArray().Single()!.GetValue<string>()));
        Assert.Equal(["text"], TaskRequestBodies.Parse["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Empty(TaskRequestBodies.Update["required"]!.AsArray());
    }

    /// <summary>
    /// Every wire field of the records that carry a task holds that field's own value: each field of the task has a
    /// value no other field has, so two fields swapped in a mapping (same type, so it compiles) show here.
    /// </summary>
    [Fact]
    public void The_response_task_created_and_task_changed_carry_each_field_with_its_own_value()
    {
        var task = TaskWithDistinctValues();
        var expected = WireValues(task);
        var alike = expected.GroupBy(field => field.Value?.ToJsonString()).Where(group => group.Count() > 1).Select(group => string.Join(" = ", group.Select(f => f.Key)));
        Assert.Empty(alike);

        var response = JsonSerializer.SerializeToNode(task.ToResponse(), EventJson.Options)!.AsObject();
        var created = JsonSerializer.SerializeToNode(task.ToCreatedData(actorId: "user-9"), EventJson.Options)!.AsObject();
        var changed = TaskChangedData(task);

        AssertCarries("TaskResponse", response, expected, [.. TaskFields.All.Select(f => f.Name), "task_id", "created_at", "updated_at"]);
        AssertCarries("task.created", created, expected, [.. TaskFields.SettableNames, "series_id", "occurrence", "task_id", "user_id", "actor_id"]);
        AssertCarries("task.changed task", changed["task"]!.AsObject(), expected, [.. response.Select(p => p.Key)]);
        Assert.Equal(task.Id, changed["task_id"]!.GetValue<int>());
        Assert.Equal(task.UserId, changed["user_id"]!.GetValue<string>());
        Assert.Equal(task.ListId, changed["list_id"]!.GetValue<int>());
    }

    /// <summary>
    /// <paramref name="record"/> has exactly the wire fields <paramref name="names"/> (in any order), each with its
    /// value in <paramref name="expected"/>.
    /// </summary>
    private static void AssertCarries(string what, JsonObject record, Dictionary<string, JsonNode?> expected, string[] names)
    {
        Assert.Equal(names.Order(), record.Select(p => p.Key).Order());
        Assert.All(record, field => Assert.True(JsonNode.DeepEquals(expected[field.Key], field.Value),
            $"{what}.{field.Key} is {field.Value?.ToJsonString() ?? "null"}, expected {expected[field.Key]?.ToJsonString() ?? "null"}"));
    }

    /// <summary>Each wire field's value as TaskFields says (the task's identity and timestamps, which it does not list, beside).</summary>
    private static Dictionary<string, JsonNode?> WireValues(TaskItem task)
    {
        var values = TaskFields.All.ToDictionary(field => field.Name, field => Wire(field.Value(task)));
        values["task_id"] = Wire(task.Id);
        values["user_id"] = Wire(task.UserId);
        values["actor_id"] = Wire("user-9");
        values["created_at"] = Wire(task.CreatedAt);
        values["updated_at"] = Wire(task.UpdatedAt);
        return values;
    }

    private static JsonNode? Wire(object? value) => JsonSerializer.SerializeToNode(value, EventJson.Options);

    /// <summary>The data of the task.changed message the Api puts in the outbox for <paramref name="task"/>.</summary>
    private static JsonObject TaskChangedData(TaskItem task)
    {
        using var db = new ApiDbContext(new DbContextOptionsBuilder<ApiDbContext>().UseNpgsql("Host=unused").UseSnakeCaseNamingConvention().Options);
        db.EnqueueTaskUpdate(task, TaskChangeKind.Created, TimeProvider.System);
        var message = Assert.Single(db.OutboxMessages.Local);
        Assert.Equal(TaskUpdateTypes.Changed, message.EventType);
        return JsonNode.Parse(message.Payload)!["data"]!.AsObject();
    }

    private static TaskItem TaskWithDistinctValues()
    {
        var task = new TaskItem
        {
            Id = 42,
            UserId = "user-7",
            ListId = 31,
            AssigneeId = "user-8",
            Title = "Water the plants",
            Description = "The ferns first",
            Priority = TaskPriority.High,
            Category = "home",
            Tags = ["garden"],
            Pinned = true,
            CreatedAt = DateTimeOffset.Parse("2030-01-01T10:00:00Z"),
            UpdatedAt = DateTimeOffset.Parse("2030-01-02T11:00:00Z"),
        };
        task.SetDue(DateTimeOffset.Parse("2030-03-04T22:30:00Z"), null, "Europe/Berlin");
        task.RemindBeforeDue(TimeSpan.FromMinutes(45));
        task.SetRecurrence("FREQ=WEEKLY;BYDAY=MO");
        task.SetStatus(TaskItemStatus.Completed, DateTimeOffset.Parse("2030-01-03T12:00:00Z"));
        return task;
    }
}
