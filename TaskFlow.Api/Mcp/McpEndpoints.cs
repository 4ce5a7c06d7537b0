namespace TaskFlow.Api.Mcp;

public static class McpEndpoints
{
    public const string Path = "/mcp";

    /// <summary>
    /// The MCP server over Streamable HTTP, stateless: every request stands alone (no server-side session), so any
    /// Api replica can answer it and the user is read from each request's own bearer token.
    /// </summary>
    public static IHostApplicationBuilder AddTaskMcpServer(this IHostApplicationBuilder builder)
    {
        builder.Services.AddMcpServer(options => options.ServerInfo = new() { Name = "TaskFlow", Version = "1.0" })
            .WithHttpTransport(options => options.Stateless = true)
            .WithTools(TaskTools.All.Select(tool => new McpTaskTool(tool)));
        return builder;
    }

    /// <summary><c>/mcp</c>, behind the same bearer tokens and per-user rate limit as the REST API.</summary>
    public static IEndpointConventionBuilder MapTaskMcp(this IEndpointRouteBuilder routes) =>
        routes.MapMcp(Path)
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.PerUserPolicy)
            // JSON-RPC, not REST: described by its own tools/list, not by the OpenAPI document.
            .ExcludeFromDescription();
}
