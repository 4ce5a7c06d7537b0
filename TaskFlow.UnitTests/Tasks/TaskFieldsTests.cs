using System.Text.Json;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging.Events;

namespace TaskFlow.UnitTests.Tasks;

/// <summary>
/// The records that carry a task's fields hold exactly the fields of <see cref="TaskFields"/>: a field added there and
/// forgotten in a request body, the response or task.created fails here, before any end-to-end test.
/// </summary>
public sealed class TaskFieldsTests
{
    [Fact]
    public void The_request_bodies_document_exactly_the_fields_clients_set()
    {
        Assert.Equal(TaskFields.SettableNames, WireNames<CreateTaskRequest>());
        Assert.Equal(TaskFields.SettableNames, WireNames<UpdateTaskRequest>());
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
