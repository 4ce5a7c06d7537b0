using System.Text.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using TaskFlow.Api.AgentTools;

namespace TaskFlow.Api.Mcp;

/// <summary>A <see cref="TaskTool"/> served over MCP: the user is the one the request's bearer token names.</summary>
public sealed class McpTaskTool(TaskTool tool) : McpServerTool
{
    public override Tool ProtocolTool { get; } = new()
    {
        Name = tool.Name,
        Title = tool.Title,
        Description = tool.Description,
        InputSchema = JsonSerializer.SerializeToElement(tool.InputSchema),
        Annotations = new ToolAnnotations
        {
            Title = tool.Title,
            ReadOnlyHint = tool.ReadOnly,
            DestructiveHint = tool.Destructive,
            // Only the user's own tasks: a closed world.
            OpenWorldHint = false,
        },
    };

    public override IReadOnlyList<object> Metadata => [];

    public override async ValueTask<CallToolResult> InvokeAsync(RequestContext<CallToolRequestParams> request, CancellationToken cancellationToken = default)
    {
        // /mcp requires authorization, so a request without a user never gets here.
        var userId = (request.User ?? throw new InvalidOperationException("An MCP request reached a tool without a user.")).UserId();
        var services = (request.Services ?? throw new InvalidOperationException("An MCP request carries no services.")).GetRequiredService<ToolServices>();
        var arguments = new JsonObject();
        foreach (var (name, value) in request.Params?.Arguments ?? new Dictionary<string, JsonElement>())
            arguments[name] = JsonNode.Parse(value.GetRawText());

        var answer = await tool.RunAsync(userId, arguments, services, cancellationToken);
        return new CallToolResult
        {
            IsError = answer.IsError,
            Content = [new TextContentBlock { Text = answer.Text }],
        };
    }
}
