using System.Text.Json.Nodes;

namespace TaskFlow.Api.AgentTools;

/// <summary>
/// One tool an AI agent can call, independent of how it is called: the MCP server (<see cref="Mcp.McpTaskTool"/>) and the
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
    public Task<ToolAnswer> RunAsync(string userId, JsonObject arguments, ToolServices services, CancellationToken cancellationToken)
    {
        var unknown = arguments.Select(a => a.Key).Except(ArgumentNames).ToList();
        if (unknown.Count > 0)
            return Task.FromResult(ToolAnswer.Error(
                $"Unknown argument(s) {string.Join(", ", unknown.Select(u => $"'{u}'"))} for {Name}. Known arguments: {string.Join(", ", ArgumentNames)}."));
        return Run(new TaskToolCall(userId, arguments, services, cancellationToken));
    }
}
