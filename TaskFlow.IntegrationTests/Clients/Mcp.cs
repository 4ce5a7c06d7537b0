using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace TaskFlow.IntegrationTests.Clients;

/// <summary>An AI agent's connection: the official MCP client over Streamable HTTP with a user's bearer token.</summary>
public static class Mcp
{
    public static async Task<McpClient> ConnectAsync(TaskFlowUser user)
    {
        // The user's HttpClient already sends "Authorization: Bearer <token>", as a configured MCP client would.
        var transport = new HttpClientTransport(
            new HttpClientTransportOptions { Endpoint = new Uri(user.Http.BaseAddress!, "/mcp"), TransportMode = HttpTransportMode.StreamableHttp },
            user.Http, ownsHttpClient: false);
        using var cancellation = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        return await McpClient.CreateAsync(transport, cancellationToken: cancellation.Token);
    }

    /// <summary>What a tool answered, as text.</summary>
    public static string Text(CallToolResult result) => string.Concat(result.Content.OfType<TextContentBlock>().Select(c => c.Text));
}
