using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;
using TaskFlow.Api.AgentTools;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Api.Chat;

/// <summary>
/// A <see cref="TaskTool"/> offered to the chat model: the same tool the MCP server serves, bound to the signed-in user
/// of one chat request. Every call is reported to <paramref name="called"/> as it completes, for the reply and the stored history.
/// </summary>
public sealed class TaskToolFunction(TaskTool tool, string userId, ToolServices services, Action<ToolCallRecord> called) : AIFunction
{
    public override string Name => tool.Name;

    public override string Description => tool.Description;

    public override JsonElement JsonSchema { get; } = JsonSerializer.SerializeToElement(tool.InputSchema);

    protected override async ValueTask<object?> InvokeCoreAsync(AIFunctionArguments arguments, CancellationToken cancellationToken)
    {
        var json = new JsonObject();
        foreach (var (name, value) in arguments)
            json[name] = JsonSerializer.SerializeToNode(value, EventJson.Options);

        var answer = await tool.RunAsync(userId, json, services, cancellationToken);
        called(ToolCallRecord.Of(tool.Name, json, answer));
        return ForModel(answer.IsError, answer.Content);
    }

    /// <summary>What the model reads as a tool's result: the result itself, or <c>{"error": message}</c>.</summary>
    public static JsonElement ForModel(bool isError, JsonNode? content) =>
        JsonSerializer.SerializeToElement(isError ? new JsonObject { ["error"] = content?.DeepClone() } : content);
}
