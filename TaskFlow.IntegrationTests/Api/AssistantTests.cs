using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Api;

/// <summary>
/// The assistant of an Api with no chat model configured: everyday requests are understood without one and done
/// through the agent tools; anything else gets one sentence on what it can do and how to configure a model.
/// </summary>
public sealed class AssistantTests(TaskFlowServices app)
{
    private const string Zone = "Europe/Berlin";

    [Fact]
    public async Task Adding_reads_the_sentence_into_a_task_and_says_what_it_created()
    {
        var user = await app.SignUpWithoutChatModelAsync();

        var reply = await SayAsync(user, null, "add Pay rent every month on the 1st at 9am #bills !high");

        var call = Assert.Single(reply["tool_calls"]!.AsArray())!;
        Assert.Equal("quick_add", call["name"]!.GetValue<string>());
        Assert.StartsWith("created 'Pay rent', due ", call["summary"]!.GetValue<string>());
        Assert.EndsWith("09:00, monthly on the 1st", call["summary"]!.GetValue<string>());
        Assert.StartsWith("Added 'Pay rent'", reply["response"]!.GetValue<string>());
        var task = Assert.Single((await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray())!;
        Assert.Equal("FREQ=MONTHLY;BYMONTHDAY=1", task["recurrence"]!.GetValue<string>());
        Assert.Equal(Zone, task["time_zone"]!.GetValue<string>());
    }

    [Fact]
    public async Task What_is_due_today_lists_todays_open_tasks_and_what_is_overdue_lists_the_late_ones()
    {
        var user = await app.SignUpWithoutChatModelAsync();
        foreach (var line in new[] { "Water plants today", "Buy stamps today", "Book flights tomorrow", "Return library books yesterday" })
            await user.CreateTaskAsync(new { text = line, time_zone = Zone });
        var done = await user.CreateTaskIdAsync(new { text = "Old chore today", time_zone = Zone });
        await user.Http.PostAsync($"/api/tasks/{done}/complete", null);

        var today = (await SayAsync(user, null, "what's due today?"))["response"]!.GetValue<string>();
        Assert.StartsWith("Due today:", today);
        Assert.Contains("'Water plants'", today);
        Assert.Contains("'Buy stamps'", today);
        Assert.DoesNotContain("Book flights", today);
        Assert.DoesNotContain("Return library books", today);
        Assert.DoesNotContain("Old chore", today);

        Assert.Contains("'Book flights'", (await SayAsync(user, null, "anything tomorrow"))["response"]!.GetValue<string>());
        var overdue = (await SayAsync(user, null, "what's overdue"))["response"]!.GetValue<string>();
        Assert.Contains("'Return library books'", overdue);
        Assert.DoesNotContain("Water plants", overdue);
    }

    [Fact]
    public async Task Complete_asks_which_one_when_two_tasks_match_and_completes_the_one_answered()
    {
        var user = await app.SignUpWithoutChatModelAsync();
        var first = await user.CreateTaskIdAsync(new { title = "Water the plants", due_date = "2031-01-01" });
        var second = await user.CreateTaskIdAsync(new { title = "Water the plants", due_date = "2031-02-01" });

        var question = await SayAsync(user, null, "complete water the plants");
        var conversationId = question["conversation_id"]!.GetValue<string>();
        Assert.StartsWith("Which one do you mean?", question["response"]!.GetValue<string>());
        Assert.Contains($"(#{second})", question["response"]!.GetValue<string>());

        var number = question["response"]!.GetValue<string>().Split('\n').Skip(1).ToList().FindIndex(line => line.Contains($"(#{second})")) + 1;
        var answer = await SayAsync(user, conversationId, number.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.StartsWith("Completed 'Water the plants'", answer["response"]!.GetValue<string>());
        Assert.Equal("completed", (await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{second}"))!["status"]!.GetValue<string>());
        Assert.Equal("pending", (await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{first}"))!["status"]!.GetValue<string>());

        // The id as listed works too, and so does a number outside the list: it is asked again.
        var again = await SayAsync(user, null, "delete water the plants");
        Assert.StartsWith("Which one do you mean?", again["response"]!.GetValue<string>());
        Assert.Equal("Answer with a number from 1 to 2.", (await SayAsync(user, again["conversation_id"]!.GetValue<string>(), "7"))["response"]!.GetValue<string>());
        await SayAsync(user, again["conversation_id"]!.GetValue<string>(), $"#{first}");
        Assert.Equal(HttpStatusCode.NotFound, (await user.Http.GetAsync($"/api/tasks/{first}")).StatusCode);
    }

    [Fact]
    public async Task Reschedule_moves_the_task_and_delete_removes_it_and_unknown_titles_are_said_so()
    {
        var user = await app.SignUpWithoutChatModelAsync();
        var dentist = await user.CreateTaskIdAsync(new { title = "Dentist", due_date = "2031-01-01", time_zone = Zone });

        var moved = await SayAsync(user, null, "move dentist to dec 24 2031 at 3pm");
        Assert.StartsWith("Rescheduled 'Dentist', due Wed 24 Dec 2031 15:00", moved["response"]!.GetValue<string>());
        var task = await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{dentist}");
        Assert.Equal(DateTimeOffset.Parse("2031-12-24T14:00:00Z", System.Globalization.CultureInfo.InvariantCulture),
            DateTimeOffset.Parse(task!["due_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture));

        Assert.Contains("did not understand", (await SayAsync(user, null, "move dentist to whenever"))["response"]!.GetValue<string>());
        Assert.Equal("You have no open task called \"gym\".", (await SayAsync(user, null, "complete gym"))["response"]!.GetValue<string>());

        Assert.Equal("Deleted it.", (await SayAsync(user, null, "delete dentist"))["response"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await user.Http.GetAsync($"/api/tasks/{dentist}")).StatusCode);
    }

    [Fact]
    public async Task Anything_else_gets_one_sentence_on_what_it_can_do_and_how_to_configure_a_model()
    {
        var user = await app.SignUpWithoutChatModelAsync();

        var reply = await SayAsync(user, null, "tell me a joke");

        Assert.Equal(TaskFlow.Api.Chat.BuiltInAssistant.Help, reply["response"]!.GetValue<string>());
        Assert.Contains("Chat:ApiKey", reply["response"]!.GetValue<string>());
        Assert.Empty(reply["tool_calls"]!.AsArray());
    }

    [Fact]
    public async Task The_stream_sends_each_tool_call_then_the_text_then_done_and_the_conversation_is_listed()
    {
        var user = await app.SignUpWithoutChatModelAsync();

        var response = await user.Http.PostAsJsonAsync("/api/chat/stream", new { message = "add Buy milk tomorrow #shopping", time_zone = Zone });
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = (await response.Content.ReadAsStringAsync()).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Select(block => block.Split('\n'))
            .Select(lines => (Type: lines.Single(l => l.StartsWith("event: ", StringComparison.Ordinal))[7..],
                Data: JsonNode.Parse(lines.Single(l => l.StartsWith("data: ", StringComparison.Ordinal))[6..])!))
            .ToList();

        Assert.Equal(["tool", "text", "done"], events.Select(e => e.Type));
        Assert.StartsWith("created 'Buy milk', due ", events[0].Data["summary"]!.GetValue<string>());
        Assert.StartsWith("Added 'Buy milk'", events[1].Data["delta"]!.GetValue<string>());
        var conversationId = events[2].Data["conversation_id"]!.GetValue<string>();

        var listed = Assert.Single((await user.Http.GetFromJsonAsync<JsonArray>("/api/chat"))!)!;
        Assert.Equal(conversationId, listed["conversation_id"]!.GetValue<string>());
        Assert.Equal("add Buy milk tomorrow #shopping", listed["title"]!.GetValue<string>());
        var stored = await user.Http.GetFromJsonAsync<JsonObject>($"/api/chat/{conversationId}");
        Assert.Equal(["user", "assistant"], stored!["messages"]!.AsArray().Select(m => m!["role"]!.GetValue<string>()));
        Assert.Empty((await (await app.SignUpWithoutChatModelAsync()).Http.GetFromJsonAsync<JsonArray>("/api/chat"))!);
    }

    [Fact]
    public async Task A_bad_time_zone_or_message_is_a_400_before_anything_streams()
    {
        var user = await app.SignUpWithoutChatModelAsync();

        foreach (var path in new[] { "/api/chat", "/api/chat/stream" })
        {
            var zone = await user.Http.PostAsJsonAsync(path, new { message = "add Plan", time_zone = "Mars/Olympus" });
            Assert.Equal(HttpStatusCode.BadRequest, zone.StatusCode);
            Assert.Contains("time_zone", await zone.Content.ReadAsStringAsync());
            Assert.Equal(HttpStatusCode.BadRequest, (await user.Http.PostAsJsonAsync(path, new { message = "" })).StatusCode);
            Assert.Equal(HttpStatusCode.NotFound, (await user.Http.PostAsJsonAsync(path, new { message = "hi", conversation_id = Guid.NewGuid().ToString("N") })).StatusCode);
        }
        Assert.Empty((await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray());
    }

    private static async Task<JsonObject> SayAsync(TaskFlowUser user, string? conversationId, string message)
    {
        var response = await user.Http.PostAsJsonAsync("/api/chat", new { conversation_id = conversationId, message, time_zone = Zone });
        Assert.True(response.IsSuccessStatusCode, $"chat: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
