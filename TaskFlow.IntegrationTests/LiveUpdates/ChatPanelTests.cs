using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace TaskFlow.IntegrationTests.LiveUpdates;

/// <summary>
/// The web UI's assistant panel in Chromium: answers stream in with what the assistant did, the tasks it changes show
/// up in the list by themselves (live updates), and a past conversation comes back from the list and goes on.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class ChatPanelTests(TaskFlowServices app, Browser browser)
{
    [Fact]
    public async Task Without_a_model_the_assistant_adds_lists_and_completes_a_task_and_a_past_conversation_comes_back_from_the_list()
    {
        var user = await app.SignUpWithoutChatModelAsync();
        await using var ui = await UiSession.OpenAsync(browser, app.ApiWithoutChatModelAddress);
        await ui.SignInAsync(user.Email, user.Password);
        var panel = ui.Page.Locator("#assistant");
        var box = panel.GetByLabel("Message to the assistant");
        var answers = panel.Locator(".chat-message.assistant");

        await ui.Page.Keyboard.PressAsync("a");
        await Assertions.Expect(panel).ToBeVisibleAsync();
        await Assertions.Expect(box).ToBeFocusedAsync();
        await Assertions.Expect(panel.Locator("#conversation-list")).ToContainTextAsync("No conversations yet.");

        await SendAsync(panel, "add Water the plants tomorrow #home");
        await Assertions.Expect(answers.Nth(0).Locator(".tool-call")).ToHaveTextAsync(Starting("created 'Water the plants'"));
        await Assertions.Expect(answers.Nth(0).Locator(".bubble")).ToHaveTextAsync(Starting("Added 'Water the plants'"));
        // The task the assistant added arrives through the live updates: no reload.
        await Assertions.Expect(ui.Task("Water the plants")).ToBeVisibleAsync();
        await Assertions.Expect(ui.Task("Water the plants")).ToContainTextAsync("#home");

        await SendAsync(panel, "what's due tomorrow");
        await Assertions.Expect(answers.Nth(1).Locator(".bubble")).ToHaveTextAsync(new Regex(@"^Due tomorrow:\n- 'Water the plants'"));

        await SendAsync(panel, "complete water the plants");
        await Assertions.Expect(answers.Nth(2).Locator(".tool-call")).ToHaveTextAsync([new Regex("^found 1 task$"), Starting("completed 'Water the plants'")]);
        await Assertions.Expect(answers.Nth(2).Locator(".bubble")).ToHaveTextAsync(Starting("Completed 'Water the plants'"));
        await Assertions.Expect(ui.Task("Water the plants")).ToHaveClassAsync(new Regex("done"));
        var conversations = panel.Locator("#conversation-list button.conversation");
        await Assertions.Expect(conversations).ToHaveCountAsync(1);
        await Assertions.Expect(conversations).ToHaveAttributeAsync("aria-current", "true");
        await Assertions.Expect(panel.Locator(".chat-message.pending")).ToHaveCountAsync(0);
        await ui.ScreenshotAsync("assistant");

        // Esc closes the panel and gives the focus back; the header button opens it again on the same conversation.
        await box.PressAsync("Escape");
        await Assertions.Expect(panel).ToBeHiddenAsync();
        var opener = ui.Page.GetByRole(AriaRole.Button, new() { Name = "Assistant", Exact = true });
        await Assertions.Expect(opener).ToBeFocusedAsync();
        await Assertions.Expect(opener).ToHaveAttributeAsync("aria-expanded", "false");
        await opener.ClickAsync();
        await Assertions.Expect(panel).ToBeVisibleAsync();
        await Assertions.Expect(answers).ToHaveCountAsync(3);

        // A new conversation starts empty; the earlier one comes back from the list, as the Api kept it.
        await panel.GetByRole(AriaRole.Button, new() { Name = "New conversation" }).ClickAsync();
        await Assertions.Expect(panel.Locator(".chat-message")).ToHaveCountAsync(0);
        await Assertions.Expect(conversations).ToHaveAttributeAsync("aria-current", "false");
        await Assertions.Expect(conversations).ToContainTextAsync("add Water the plants tomorrow #home");
        await conversations.ClickAsync();
        await Assertions.Expect(panel.Locator(".chat-message.user .bubble")).ToHaveTextAsync(
            ["add Water the plants tomorrow #home", "what's due tomorrow", "complete water the plants"]);
        await Assertions.Expect(answers.Nth(0).Locator(".tool-call")).ToHaveTextAsync(Starting("created 'Water the plants'"));
        await Assertions.Expect(answers.Nth(2).Locator(".bubble")).ToHaveTextAsync(Starting("Completed 'Water the plants'"));

        // What is sent now goes on in that conversation.
        await SendAsync(panel, "what's overdue");
        await Assertions.Expect(answers.Nth(3).Locator(".bubble")).ToHaveTextAsync("Nothing is overdue.");
        await Assertions.Expect(panel.Locator(".chat-message.pending")).ToHaveCountAsync(0);
        await Assertions.Expect(conversations).ToHaveCountAsync(1);
        var listed = Assert.Single((await user.Http.GetFromJsonAsync<JsonArray>("/api/chat"))!)!;
        var kept = await user.Http.GetFromJsonAsync<JsonObject>($"/api/chat/{listed["conversation_id"]!.GetValue<string>()}");
        Assert.Equal(8, kept!["messages"]!.AsArray().Count);
        ui.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task With_the_scripted_model_a_tool_call_shows_its_line_and_the_task_it_added()
    {
        var user = await app.SignUpAsync();
        await using var ui = await UiSession.OpenAsync(browser, app.CreateApiClient().BaseAddress!);
        await ui.SignInAsync(user.Email, user.Password);
        var panel = ui.Page.Locator("#assistant");

        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Assistant", Exact = true }).ClickAsync();
        await SendAsync(panel, """call add_task {"title":"Call the plumber"}""");

        var answer = panel.Locator(".chat-message.assistant");
        await Assertions.Expect(answer.Nth(0).Locator(".tool-call")).ToHaveTextAsync(Starting("created 'Call the plumber'"));
        await Assertions.Expect(answer.Nth(0).Locator(".tool-call.failed")).ToHaveCountAsync(0);
        await Assertions.Expect(answer.Nth(0).Locator(".bubble")).ToHaveTextAsync(Starting("Tool result: {"));
        await Assertions.Expect(ui.Task("Call the plumber")).ToBeVisibleAsync();

        // A tool call that failed shows as such, with why.
        await SendAsync(panel, """call add_task {"title":""}""");
        await Assertions.Expect(answer.Nth(1).Locator(".tool-call.failed")).ToHaveTextAsync(Starting("add_task did not go through:"));
        await Assertions.Expect(ui.Page.Locator("li.task")).ToHaveCountAsync(1);
        ui.AssertNoConsoleErrors();
    }

    /// <summary>
    /// Types a message and presses Enter once the answer before it is whole (the box takes no new message while one
    /// streams in); the message shows at once.
    /// </summary>
    private static async Task SendAsync(ILocator panel, string message)
    {
        await Assertions.Expect(panel.Locator(".chat-message.pending")).ToHaveCountAsync(0);
        var box = panel.GetByLabel("Message to the assistant");
        await box.FillAsync(message);
        await box.PressAsync("Enter");
        await Assertions.Expect(panel.Locator(".chat-message.user .bubble").Last).ToHaveTextAsync(message);
        await Assertions.Expect(box).ToHaveValueAsync("");
    }

    private static Regex Starting(string text) => new("^" + Regex.Escape(text));
}
