using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Api;

/// <summary>
/// /api/chat with the Api's scripted chat model (<c>Chat:Provider=scripted</c>): the model is a test double that calls
/// the tool a message names; the agent, the task tools and the conversation store are the real ones.
/// </summary>
public sealed class ChatTests(TaskFlowServices app)
{
    [Fact]
    public async Task A_conversation_adds_and_completes_a_task_through_the_tools()
    {
        var user = await app.SignUpAsync();

        var added = await user.ChatAsync(null, """call add_task {"title":"Call the plumber","priority":"high"}""");
        var conversationId = added["conversation_id"]!.GetValue<string>();
        var addCall = Assert.Single(added["tool_calls"]!.AsArray())!;
        Assert.Equal("add_task", addCall["name"]!.GetValue<string>());
        Assert.False(addCall["is_error"]!.GetValue<bool>());
        var taskId = addCall["result"]!["task_id"]!.GetValue<int>();
        Assert.Contains("Call the plumber", added["response"]!.GetValue<string>());

        var completed = await user.ChatAsync(conversationId, $$"""call complete_task {"task_id":{{taskId}}}""");
        Assert.Equal(conversationId, completed["conversation_id"]!.GetValue<string>());
        Assert.Equal("complete_task", completed["tool_calls"]![0]!["name"]!.GetValue<string>());
        var task = await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{taskId}");
        Assert.Equal("completed", task!["status"]!.GetValue<string>());

        var history = await user.Http.GetFromJsonAsync<JsonObject>($"/api/chat/{conversationId}");
        var messages = history!["messages"]!.AsArray();
        Assert.Equal(["user", "assistant", "user", "assistant"], messages.Select(m => m!["role"]!.GetValue<string>()));
        Assert.Equal(["add_task", "complete_task"], messages.Where(m => m!["role"]!.GetValue<string>() == "assistant")
            .Select(m => m!["tool_calls"]![0]!["name"]!.GetValue<string>()));
        var stranger = await app.SignUpAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.GetAsync($"/api/chat/{conversationId}")).StatusCode);
    }

    [Fact]
    public async Task Concurrent_messages_on_one_conversation_all_stay_in_its_history()
    {
        var user = await app.SignUpAsync();
        var conversationId = (await user.ChatAsync(null, "hello"))["conversation_id"]!.GetValue<string>();

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => user.ChatAsync(conversationId, $"message {i}")));

        var history = await user.Http.GetFromJsonAsync<JsonObject>($"/api/chat/{conversationId}");
        var said = history!["messages"]!.AsArray().Where(m => m!["role"]!.GetValue<string>() == "user").Select(m => m!["content"]!.GetValue<string>());
        Assert.Equal(["hello", .. Enumerable.Range(0, 8).Select(i => $"message {i}")], said.Order(StringComparer.Ordinal));
        Assert.Equal(18, history["messages"]!.AsArray().Count);
    }

    [Fact]
    public async Task Another_users_conversation_cannot_be_continued()
    {
        var owner = await app.SignUpAsync();
        var conversationId = (await owner.ChatAsync(null, "hello"))["conversation_id"]!.GetValue<string>();
        var stranger = await app.SignUpAsync();

        var response = await stranger.Http.PostAsJsonAsync("/api/chat", new { conversation_id = conversationId, message = "hi" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
