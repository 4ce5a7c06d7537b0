using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace TaskFlow.IntegrationTests.Api;

/// <summary>An AI agent's view of TaskFlow: the official MCP client over Streamable HTTP with a user's bearer token.</summary>
public sealed class McpTests(TaskFlowServices app)
{
    [Fact]
    public async Task The_server_lists_every_task_tool_with_a_description_and_an_argument_schema()
    {
        await using var mcp = await ConnectAsync(await app.SignUpAsync());

        var tools = await mcp.ListToolsAsync();

        string[] expected = ["add_task", "quick_add", "read_task_text", "list_tasks", "get_task", "update_task", "complete_task", "reopen_task", "delete_task",
            "set_reminder", "set_recurrence", "task_history", "list_lists", "create_list", "share_list", "remove_member"];
        Assert.Equal(expected.Order(), tools.Select(t => t.Name).Order());
        Assert.All(tools, tool => Assert.False(string.IsNullOrWhiteSpace(tool.Description), $"{tool.Name} has no description"));
        var addTask = tools.Single(t => t.Name == "add_task").JsonSchema;
        Assert.Equal(["title"], addTask.GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["low", "medium", "high"], addTask.GetProperty("properties").GetProperty("priority").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        var listTasks = tools.Single(t => t.Name == "list_tasks").JsonSchema.GetProperty("properties");
        foreach (var argument in new[] { "status", "priority", "category", "tag", "query", "due_after", "due_before", "sort", "limit" })
            Assert.True(listTasks.TryGetProperty(argument, out _), $"list_tasks lacks {argument}");
        Assert.Equal(TaskFlow.Api.Tasks.TaskSorts.Values, listTasks.GetProperty("sort").GetProperty("enum").EnumerateArray().Select(v => v.GetString()));
        Assert.Equal("integer", tools.Single(t => t.Name == "complete_task").JsonSchema.GetProperty("properties").GetProperty("task_id").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Add_task_creates_a_task_that_rest_returns_and_that_emits_task_created()
    {
        var user = await app.SignUpAsync();
        await using var mcp = await ConnectAsync(user);

        var result = await mcp.CallToolAsync("add_task", new Dictionary<string, object?>
        {
            ["title"] = "Water the plants",
            ["priority"] = "high",
            ["tags"] = new[] { "Home" },
            ["due_date"] = "2026-12-01",
        });

        Assert.NotEqual(true, result.IsError);
        var task = JsonNode.Parse(Text(result))!;
        var taskId = task["task_id"]!.GetValue<int>();
        var rest = await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{taskId}");
        Assert.Equal("Water the plants", rest!["title"]!.GetValue<string>());
        Assert.Equal("high", rest["priority"]!.GetValue<string>());
        Assert.Equal(["home"], rest["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        var created = Assert.Single(app.ReadTaskEvents(taskId, expected: 1, TimeSpan.FromSeconds(30)));
        Assert.Equal("task.created", created.Json["event_type"]!.GetValue<string>());
    }

    [Fact]
    public async Task Quick_add_creates_the_task_a_sentence_describes_and_read_task_text_only_shows_it()
    {
        var user = await app.SignUpAsync();
        await using var mcp = await ConnectAsync(user);
        var arguments = new Dictionary<string, object?>
        {
            ["text"] = "Pay rent every month on the 1st at 9am #bills !high",
            ["time_zone"] = "Europe/Berlin",
        };

        var preview = await mcp.CallToolAsync("read_task_text", arguments);
        Assert.NotEqual(true, preview.IsError);
        Assert.Equal("Pay rent", JsonNode.Parse(Text(preview))!["task"]!["title"]!.GetValue<string>());
        Assert.Empty((await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray());

        var result = await mcp.CallToolAsync("quick_add", arguments);
        Assert.NotEqual(true, result.IsError);
        var answer = JsonNode.Parse(Text(result))!;
        var rest = await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{answer["task"]!["task_id"]!.GetValue<int>()}");
        Assert.Equal("Pay rent", rest!["title"]!.GetValue<string>());
        Assert.Equal("high", rest["priority"]!.GetValue<string>());
        Assert.Equal("FREQ=MONTHLY;BYMONTHDAY=1", rest["recurrence"]!.GetValue<string>());
        Assert.Equal((1, new TimeOnly(9, 0)), BerlinDayAndTime(rest["due_at"]!.GetValue<string>()));
        Assert.Contains(answer["understood"]!.AsArray(), s => s!["field"]!.GetValue<string>() == "recurrence" && s["text"]!.GetValue<string>() == "every month on the 1st");

        var blank = await mcp.CallToolAsync("quick_add", new Dictionary<string, object?> { ["text"] = "tomorrow at 5pm" });
        Assert.True(blank.IsError);
        Assert.Contains("title", Text(blank));
    }

    [Fact]
    public async Task Completing_another_users_task_is_a_tool_error_and_changes_nothing()
    {
        var owner = await app.SignUpAsync();
        var taskId = (await owner.CreateTaskAsync(new { title = "Mine alone" }))["task_id"]!.GetValue<int>();
        await using var intruder = await ConnectAsync(await app.SignUpAsync());

        var result = await intruder.CallToolAsync("complete_task", new Dictionary<string, object?> { ["task_id"] = taskId });

        Assert.True(result.IsError);
        Assert.Contains($"no task {taskId}", Text(result));
        var task = await owner.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{taskId}");
        Assert.Equal("pending", task!["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Malformed_arguments_are_tool_errors_that_name_the_problem()
    {
        await using var mcp = await ConnectAsync(await app.SignUpAsync());

        var badPriority = await mcp.CallToolAsync("add_task", new Dictionary<string, object?> { ["title"] = "Plan", ["priority"] = "urgent" });
        var badTaskId = await mcp.CallToolAsync("get_task", new Dictionary<string, object?> { ["task_id"] = "abc" });
        var unknownArgument = await mcp.CallToolAsync("list_tasks", new Dictionary<string, object?> { ["colour"] = "red" });
        var badLimit = await mcp.CallToolAsync("list_tasks", new Dictionary<string, object?> { ["limit"] = 0 });
        var noReminder = await mcp.CallToolAsync("set_reminder", new Dictionary<string, object?> { ["task_id"] = 1 });

        Assert.True(badPriority.IsError);
        Assert.Contains("priority", Text(badPriority));
        Assert.True(badTaskId.IsError);
        Assert.Contains("task_id", Text(badTaskId));
        Assert.True(unknownArgument.IsError);
        Assert.Contains("colour", Text(unknownArgument));
        Assert.True(badLimit.IsError);
        Assert.Contains("limit", Text(badLimit));
        Assert.True(noReminder.IsError);
        Assert.Contains("remind_at or remind_before", Text(noReminder));
    }

    [Fact]
    public async Task Reminder_and_recurrence_tools_set_the_same_fields_as_rest()
    {
        var user = await app.SignUpAsync();
        var taskId = (await user.CreateTaskAsync(new { title = "Weekly review", due_at = "2030-06-07T16:00:00Z" }))["task_id"]!.GetValue<int>();
        await using var mcp = await ConnectAsync(user);

        var reminder = await mcp.CallToolAsync("set_reminder", new Dictionary<string, object?> { ["task_id"] = taskId, ["remind_before"] = "PT15M" });
        var recurrence = await mcp.CallToolAsync("set_recurrence", new Dictionary<string, object?> { ["task_id"] = taskId, ["recurrence"] = "weekly" });
        var badRule = await mcp.CallToolAsync("set_recurrence", new Dictionary<string, object?> { ["task_id"] = taskId, ["recurrence"] = "now and then" });

        Assert.False(reminder.IsError, Text(reminder));
        Assert.False(recurrence.IsError, Text(recurrence));
        Assert.True(badRule.IsError);
        Assert.Contains("recurrence", Text(badRule));
        var task = await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{taskId}");
        Assert.Equal("2030-06-07T15:45:00Z", task!["remind_at"]!.GetValue<string>());
        Assert.Equal("FREQ=WEEKLY", task["recurrence"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_mcp_endpoint_refuses_requests_without_a_token()
    {
        var response = await app.CreateApiClient().PostAsJsonAsync("/mcp", new { jsonrpc = "2.0", id = 1, method = "tools/list" });

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    /// <summary>A JSON-RPC request of the wrong shape is the client's mistake: never an HTTP 500.</summary>
    [Theory]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":123,"capabilities":null,"clientInfo":null}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":null}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"initialize","params":[1,2]}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":123,"arguments":"x"}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"add_task","arguments":[1]}}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/call","params":null}""")]
    [InlineData("""{"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":7}""")]
    [InlineData("""{"jsonrpc":"1.0","id":1,"method":"tools/list"}""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"no/such/method"}""")]
    [InlineData("""[]""")]
    [InlineData("""[{"jsonrpc":"2.0","id":1,"method":"tools/list"}]""")]
    [InlineData("""null""")]
    [InlineData("""{"jsonrpc":"2.0","id":1,"method":"tools/list\ud800"}""")]
    [InlineData("""not json""")]
    public async Task A_malformed_json_rpc_request_is_answered_without_a_server_error(string body)
    {
        var user = await app.SignUpAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        var response = await user.Http.SendAsync(request);

        var text = await response.Content.ReadAsStringAsync();
        Assert.True((int)response.StatusCode < 500, $"{body}: {(int)response.StatusCode} {text}");
    }

    [Fact]
    public async Task A_tool_call_that_is_not_valid_utf8_is_a_400_and_stores_nothing()
    {
        var user = await app.SignUpAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/mcp")
        {
            Content = new ByteArrayContent([.. System.Text.Encoding.UTF8.GetBytes("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"add_task\",\"arguments\":{\"title\":\"bad "), 0xff, 0xfe, .. System.Text.Encoding.UTF8.GetBytes("\"}}}")]),
        };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        request.Headers.Accept.ParseAdd("application/json");
        request.Headers.Accept.ParseAdd("text/event-stream");

        var response = await user.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("UTF-8", await response.Content.ReadAsStringAsync());
        Assert.Empty((await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray());
    }

    private static Task<McpClient> ConnectAsync(TaskFlowUser user) => Mcp.ConnectAsync(user);

    private static (int Day, TimeOnly Time) BerlinDayAndTime(string instant)
    {
        var berlin = TimeZoneInfo.ConvertTime(DateTimeOffset.Parse(instant, System.Globalization.CultureInfo.InvariantCulture), TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        return (berlin.Day, TimeOnly.FromDateTime(berlin.DateTime));
    }

    private static string Text(CallToolResult result) => Mcp.Text(result);
}
