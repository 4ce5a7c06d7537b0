using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.Tests.EndToEnd;

/// <summary>
/// A chat conversation lives in Redis, not in the Api process: it outlives a restart of the Api (the rest of /api/chat
/// is the middle tier's, TaskFlow.IntegrationTests/Api/ChatTests.cs).
/// </summary>
[Collection(TaskFlowAppCollection.Name)]
public sealed class ChatTests(TaskFlowApp app)
{
    [Fact]
    public async Task A_conversation_survives_an_api_restart()
    {
        var user = await app.SignUpAsync();
        var added = await user.ChatAsync(null, """call add_task {"title":"Call the plumber","priority":"high"}""");
        var conversationId = added["conversation_id"]!.GetValue<string>();

        await app.RestartAsync("api");

        var continued = await user.ChatAsync(conversationId, "hello again");
        Assert.Equal(conversationId, continued["conversation_id"]!.GetValue<string>());
        var history = await user.Http.GetFromJsonAsync<JsonObject>($"/api/chat/{conversationId}");
        Assert.Equal(["user", "assistant", "user", "assistant"], history!["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal("add_task", history["messages"]![1]!["tool_calls"]![0]!["name"]!.GetValue<string>());
    }
}
