using TaskFlow.Api.AgentTools;

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

    /// <summary>
    /// Refuses a request to <c>/mcp</c> whose body is not valid UTF-8 (a 400, as on the REST endpoints): the MCP
    /// server would decode it silently, turning the invalid bytes into U+FFFD in what it stores.
    /// </summary>
    public static IApplicationBuilder UseValidUtf8ForMcp(this IApplicationBuilder app) =>
        app.UseWhen(http => http.Request.Path.StartsWithSegments(Path) && HttpMethods.IsPost(http.Request.Method), mcp => mcp.Use(async (http, next) =>
        {
            http.Request.EnableBuffering();
            using var body = new MemoryStream();
            await http.Request.Body.CopyToAsync(body, http.RequestAborted);
            if (!System.Text.Unicode.Utf8.IsValid(body.GetBuffer().AsSpan(0, (int)body.Length)))
            {
                await TypedResults.Problem("The body is not valid UTF-8.", statusCode: StatusCodes.Status400BadRequest, title: "Bad request").ExecuteAsync(http);
                return;
            }
            http.Request.Body.Position = 0;
            await next(http);
        }));

    /// <summary><c>/mcp</c>, behind the same bearer tokens and per-user rate limit as the REST API.</summary>
    public static IEndpointConventionBuilder MapTaskMcp(this IEndpointRouteBuilder routes) =>
        routes.MapMcp(Path)
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.PerUserPolicy)
            // JSON-RPC, not REST: described by its own tools/list, not by the OpenAPI document.
            .ExcludeFromDescription();
}
