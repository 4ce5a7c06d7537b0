using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFlow.Api.Lists;
using TaskFlow.Api.Tasks;

namespace TaskFlow.Api.AgentTools;

/// <summary>The use cases the tools run: REST's own, so validation, membership and events are the same.</summary>
public sealed record ToolServices(TaskService Tasks, ListService Lists);

/// <summary>One invocation: who calls (from the token), with what, on which use cases.</summary>
public sealed record TaskToolCall(string UserId, JsonObject Arguments, ToolServices Services, CancellationToken CancellationToken)
{
    public TaskService Tasks => Services.Tasks;

    public ListService Lists => Services.Lists;

    /// <summary>The required <c>task_id</c>; null (with <paramref name="error"/>) when it is missing or not a positive whole number.</summary>
    public int? TaskId(out ToolAnswer? error)
    {
        error = null;
        if (Arguments["task_id"] is JsonValue value && value.GetValueKind() == JsonValueKind.Number
            && value.TryGetValue<int>(out var id) && id > 0)
            return id;
        error = ToolAnswer.Error("The task_id argument is required and must be a positive whole number (the task_id of a task from add_task or list_tasks).");
        return null;
    }

    /// <summary>The arguments without <c>task_id</c>: the body TaskInput reads, exactly as REST's PATCH would get it.</summary>
    public byte[] BodyWithoutTaskId()
    {
        var body = new JsonObject();
        foreach (var (name, value) in Arguments)
            if (name != "task_id") body[name] = value?.DeepClone();
        return JsonSerializer.SerializeToUtf8Bytes(body);
    }
}
