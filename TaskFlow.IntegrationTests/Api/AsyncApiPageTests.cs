using Microsoft.Playwright;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;

namespace TaskFlow.IntegrationTests.Api;

/// <summary>The AsyncAPI document's page in Chromium: everything it shows comes from the Api itself.</summary>
[Collection(BrowserCollection.Name)]
public sealed class AsyncApiPageTests(TaskFlowServices app, Browser browser)
{
    [Fact]
    public async Task The_page_shows_the_topics_and_events_with_nothing_loaded_from_elsewhere()
    {
        var baseAddress = app.CreateApiClient().BaseAddress!;
        await using var context = await browser.NewContextAsync(baseAddress);
        var page = await context.NewPageAsync();
        var elsewhere = new List<string>();
        var errors = new List<string>();
        page.Request += (_, request) => { if (!request.Url.StartsWith(baseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal) && !request.Url.StartsWith("data:", StringComparison.Ordinal)) elsewhere.Add(request.Url); };
        page.PageError += (_, error) => errors.Add(error);

        await page.GotoAsync("/asyncapi/");

        // The component draws a navigation copy of some titles that stays hidden at this width: look at what shows.
        // It renders the document after the page's load event, from a script of several MB: on two cores shared with
        // the rest of the suite that took longer than the 15 s default once, so the first check waits as long as a
        // page load may (Browser.NewContextAsync).
        await Assertions.Expect(page.GetByText("TaskFlow events 1.0").Filter(new() { Visible = true }).First).ToBeVisibleAsync(new() { Timeout = 60_000 });
        await Assertions.Expect(page.GetByText("pubsub-kafka").Filter(new() { Visible = true }).First).ToBeVisibleAsync();
        foreach (var topic in Topics.Catalog)
            await Assertions.Expect(page.GetByText(topic.Name, new() { Exact = true }).First).ToBeAttachedAsync();
        foreach (var definition in EventCatalog.Events)
            await Assertions.Expect(page.GetByText(definition.Summary).First).ToBeAttachedAsync();
        Assert.Empty(errors);
        Assert.Empty(elsewhere);
    }
}
