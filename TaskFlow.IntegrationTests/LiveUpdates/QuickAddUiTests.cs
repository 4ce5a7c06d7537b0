using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace TaskFlow.IntegrationTests.LiveUpdates;

/// <summary>The web UI's one-line quick add in Chromium: the live preview of what a line saves, and Enter saving it.</summary>
[Collection(BrowserCollection.Name)]
public sealed class QuickAddUiTests(TaskFlowServices app, Browser browser)
{
    private const string Line = "Pay rent every month on the 1st at 9am #bills !high";

    private Uri BaseAddress => app.CreateApiClient().BaseAddress!;

    [Fact]
    public async Task Typing_a_line_previews_its_fields_and_Enter_creates_the_task()
    {
        var user = await app.SignUpAsync();
        await using var ui = await UiSession.OpenAsync(browser, BaseAddress);
        await ui.SignInAsync(user.Email, user.Password);
        var box = ui.Page.GetByLabel("Add a task");
        var preview = ui.Page.Locator("#quick-add-preview");

        // Key by key, as a person types: only the answer for the whole line may end up in the preview.
        await box.PressSequentiallyAsync(Line);

        await Assertions.Expect(preview.Locator("[data-field=title]")).ToHaveTextAsync("Pay rent");
        await Assertions.Expect(preview.Locator(".chip[data-field=priority]")).ToHaveTextAsync("high priority");
        await Assertions.Expect(preview.Locator(".chip[data-field=tags]")).ToHaveTextAsync("#bills");
        await Assertions.Expect(preview.Locator(".chip[data-field=recurrence]")).ToHaveTextAsync("↻ monthly on the 1st");
        await Assertions.Expect(preview.Locator(".chip[data-field=due]")).ToContainTextAsync("9:00");
        await Assertions.Expect(preview.Locator("mark[data-field=recurrence]")).ToHaveTextAsync("every month on the 1st");
        await Assertions.Expect(preview.Locator("mark")).ToHaveTextAsync(["every month on the 1st", "at 9am", "#bills", "!high"]);
        await Assertions.Expect(preview.Locator(".quick-text")).ToHaveTextAsync(Line);
        await ui.ScreenshotAsync("quick-add");

        // The full editor, filled in with what the line says, for corrections; cancelled, it leaves the line alone.
        await preview.GetByRole(AriaRole.Button, new() { Name = "Edit details…" }).ClickAsync();
        var editor = ui.Page.Locator("#editor");
        await Assertions.Expect(editor.GetByLabel("Title")).ToHaveValueAsync("Pay rent");
        await Assertions.Expect(editor.GetByLabel("Priority")).ToHaveValueAsync("high");
        await Assertions.Expect(editor.GetByLabel("Tags")).ToHaveValueAsync("bills");
        await Assertions.Expect(editor.GetByLabel("Due time", new() { Exact = true })).ToHaveValueAsync("09:00");
        await Assertions.Expect(editor.GetByLabel("Recurrence")).ToHaveValueAsync("custom");
        await Assertions.Expect(editor.GetByRole(AriaRole.Textbox, new() { Name = "RRULE" })).ToHaveValueAsync("FREQ=MONTHLY;BYMONTHDAY=1");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Assertions.Expect(editor).ToBeHiddenAsync();
        await Assertions.Expect(box).ToHaveValueAsync(Line);

        await box.PressAsync("Enter");

        await Assertions.Expect(ui.Task("Pay rent")).ToBeVisibleAsync();
        await Assertions.Expect(box).ToHaveValueAsync("");
        await Assertions.Expect(preview).ToBeEmptyAsync();
        var task = Assert.Single((await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray())!;
        Assert.Equal(
            ("Pay rent", "FREQ=MONTHLY;BYMONTHDAY=1", "high", "bills"),
            (task["title"]!.GetValue<string>(), task["recurrence"]!.GetValue<string>(), task["priority"]!.GetValue<string>(),
                Assert.Single(task["tags"]!.AsArray())!.GetValue<string>()));
        ui.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_line_without_a_title_shows_why_in_the_preview_and_Enter_creates_nothing()
    {
        var user = await app.SignUpAsync();
        await using var ui = await UiSession.OpenAsync(browser, BaseAddress);
        await ui.SignInAsync(user.Email, user.Password);
        var box = ui.Page.GetByLabel("Add a task");
        var preview = ui.Page.Locator("#quick-add-preview");

        await box.FillAsync("tomorrow at 5pm");
        await Assertions.Expect(preview.Locator(".error")).ToHaveTextAsync("The title must not be blank.");
        await Assertions.Expect(preview.Locator("[data-field=title]")).ToHaveCountAsync(0);

        var answer = await ui.Page.RunAndWaitForResponseAsync(() => box.PressAsync("Enter"),
            response => response.Request.Method == "POST" && response.Url.EndsWith("/api/tasks", StringComparison.Ordinal));

        Assert.Equal(400, answer.Status);
        await Assertions.Expect(preview.Locator(".error")).ToHaveTextAsync("The title must not be blank.");
        await Assertions.Expect(box).ToHaveValueAsync("tomorrow at 5pm");
        Assert.Empty((await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray());
        Assert.Equal(0, await ui.Page.Locator("li.task").CountAsync());
        // Chromium logs each refused request itself; the page logged nothing.
        ui.AssertNoConsoleErrors(provoked: "the server responded with a status of 400");
    }
}
