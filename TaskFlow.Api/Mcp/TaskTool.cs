using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFlow.Api.Tasks;

namespace TaskFlow.Api.Mcp;

/// <summary>
/// One tool an AI agent can call, independent of how it is called: the MCP server (<see cref="McpTaskTool"/>) and the
/// chat agent (<c>Chat.TaskToolFunction</c>) both run these same definitions.
/// </summary>
public sealed record TaskTool(
    string Name,
    string Title,
    string Description,
    JsonObject InputSchema,
    bool ReadOnly,
    bool Destructive,
    Func<TaskToolCall, Task<ToolAnswer>> Run)
{
    public IEnumerable<string> ArgumentNames => InputSchema["properties"]!.AsObject().Select(p => p.Key);

    /// <summary>
    /// Runs the tool for <paramref name="userId"/> (always the caller's own identity, never an argument).
    /// Arguments the schema does not name are refused here, so every tool reports them alike.
    /// </summary>
    public Task<ToolAnswer> RunAsync(string userId, JsonObject arguments, TaskService tasks, CancellationToken cancellationToken)
    {
        var unknown = arguments.Select(a => a.Key).Except(ArgumentNames).ToList();
        if (unknown.Count > 0)
            return Task.FromResult(ToolAnswer.Error(
                $"Unknown argument(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))} for {Name}. Known arguments: {string.Join(", ", ArgumentNames)}."));
        return Run(new TaskToolCall(userId, arguments, tasks, cancellationToken));
    }
}

/// <summary>One invocation: who calls (from the token), with what, on which use cases.</summary>
public sealed record TaskToolCall(string UserId, JsonObject Arguments, TaskService Tasks, CancellationToken CancellationToken)
{
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

/// <summary>A tool's answer: the result as JSON, or (<see cref="IsError"/>) a message that tells the agent what to fix.</summary>
public sealed record ToolAnswer(bool IsError, JsonNode Content)
{
    public static ToolAnswer Ok(JsonNode content) => new(false, content);

    public static ToolAnswer Error(string message) => new(true, JsonValue.Create(message));

    public static ToolAnswer Invalid(IDictionary<string, string[]> errors) =>
        Error("The arguments are not valid: " + string.Join(" ", errors.SelectMany(e => e.Value.Select(m => $"[{e.Key}] {m}"))));

    /// <summary>Text for a person or a model: the message itself, or the JSON of the result.</summary>
    public string Text => Content is JsonValue value && value.TryGetValue<string>(out var text) ? text : Content.ToJsonString();
}
