using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging.Events;

namespace TaskFlow.UnitTests.Tasks;

/// <summary>
/// What carries a task's fields holds exactly the fields of <see cref="TaskFields"/>: the request bodies are made from
/// it; a field added there and forgotten in the response or task.created fails here, before any end-to-end test.
/// </summary>
public sealed class TaskFieldsTests
{
    [Fact]
    public void The_request_bodies_are_the_fields_clients_set_with_their_schemas()
    {
        foreach (var body in new[] { TaskRequestBodies.Create, TaskRequestBodies.Update })
        {
            Assert.Equal(TaskFields.SettableNames, body["properties"]!.AsObject().Select(p => p.Key));
            Assert.All(TaskFields.SettableNames, name => Assert.True(JsonNode.DeepEquals(TaskFields.SchemaOf(name), body["properties"]![name])));
            Assert.False(body["additionalProperties"]!.GetValue<bool>());
        }
        Assert.Equal(["title"], TaskRequestBodies.Create["required"]!.AsArray().Select(n => n!.GetValue<string>()));
        Assert.Empty(TaskRequestBodies.Update["required"]!.AsArray());
    }

    [Fact]
    public void The_response_shows_every_field()
    {
        Assert.Empty(TaskFields.All.Select(f => f.Name).Except(WireNames<TaskResponse>()));
    }

    [Fact]
    public void Task_created_carries_every_field_clients_set()
    {
        Assert.Empty(TaskFields.SettableNames.Except(WireNames<TaskCreatedData>()));
    }

    private static List<string> WireNames<T>() =>
        [.. typeof(T).GetProperties().Select(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name))];
}
