using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace TaskFlow.IntegrationTests.LiveUpdates;

/// <summary>
/// Shared lists in the web UI, in Chromium: two people in two browser profiles share a list through the share dialog
/// and the invitation banner, and see each other's changes, assignments and removals live, without reloading.
/// </summary>
[Collection(BrowserCollection.Name)]
public sealed class SharedListUiTests(TaskFlowServices app, Browser browser)
{
    private const string Password = "Correct-Horse-9";

    private Uri BaseAddress => app.CreateApiClient().BaseAddress!;

    // Names that start differently, so their initials tell them apart.
    private static string NewEmail(string name) => $"{name}-{Guid.NewGuid():N}@example.test";

    [Fact]
    public async Task A_list_shared_through_the_dialog_is_accepted_from_the_banner_and_both_members_see_each_others_changes_live()
    {
        var annEmail = NewEmail("ann");
        var bobEmail = NewEmail("bob");
        await using var ann = await UiSession.OpenAsync(browser, BaseAddress);
        await ann.SignUpAsync(annEmail, Password);
        await using var bob = await UiSession.OpenAsync(browser, BaseAddress);
        await bob.SignUpAsync(bobEmail, Password);

        // Ann creates a list and invites Bob as an editor.
        await ann.CreateListAsync("Groceries");
        await Assertions.Expect(ann.ListLink("Groceries")).ToBeVisibleAsync();
        await ann.Page.GetByRole(AriaRole.Button, new() { Name = "Share", Exact = true }).ClickAsync();
        var share = ann.Page.Locator("#share");
        await share.GetByLabel("Invite by e-mail address").FillAsync(bobEmail);
        await share.Locator("#invite-form").GetByLabel("Role").SelectOptionAsync("editor");
        await share.GetByRole(AriaRole.Button, new() { Name = "Invite" }).ClickAsync();
        await ann.ExplainFailureAsync(() => Assertions.Expect(share.Locator("#invitation-list .member")).ToContainTextAsync(bobEmail));
        await Assertions.Expect(share.Locator("#invitation-list .member")).ToContainTextAsync("Can edit");

        // Bob's page shows the invitation as it is made: no reload.
        var banner = bob.Page.Locator("#invitations");
        await bob.ExplainFailureAsync(() => Assertions.Expect(banner).ToContainTextAsync($"{annEmail} invited you to Groceries as editor"));
        await bob.ScreenshotAsync("shared-list-invitation");
        await banner.GetByRole(AriaRole.Button, new() { Name = "Accept" }).ClickAsync();
        await Assertions.Expect(banner).ToBeHiddenAsync();
        await bob.ExplainFailureAsync(() => Assertions.Expect(bob.ListLink("Groceries").Locator(".avatar")).ToHaveTextAsync(["A", "B"]));
        await Assertions.Expect(bob.Heading).ToHaveTextAsync("Groceries");

        // Ann's open dialog follows: Bob is a member now, and the invitation is answered.
        await ann.ExplainFailureAsync(() => Assertions.Expect(share.Locator("#member-list .member")).ToHaveCountAsync(2));
        await Assertions.Expect(share.Locator("#member-list .member", new() { HasText = bobEmail }).GetByLabel($"Role of {bobEmail}")).ToHaveValueAsync("editor");
        await Assertions.Expect(share.Locator("#pending")).ToBeHiddenAsync();
        await ann.ScreenshotAsync("shared-list-share-dialog");
        await share.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();
        await Assertions.Expect(ann.ListLink("Groceries").Locator(".avatar")).ToHaveTextAsync(["A", "B"]);

        // A task Ann adds while the list is shown goes in the list, and reaches Bob's page live.
        await ann.CreateTaskAsync("Buy oat milk");
        await bob.ExplainFailureAsync(() => Assertions.Expect(bob.Task("Buy oat milk")).ToBeVisibleAsync());

        // Bob completes it; Ann sees that live, and its history says who did it.
        await bob.Task("Buy oat milk").GetByRole(AriaRole.Checkbox).CheckAsync();
        await ann.ExplainFailureAsync(() => Assertions.Expect(ann.Task("Buy oat milk")).ToHaveClassAsync(new Regex(@"\bdone\b")));
        await ann.Task("Buy oat milk").GetByRole(AriaRole.Button, new() { Name = "History" }).ClickAsync();
        var completion = ann.Page.Locator("#history-list li[data-event-type='task.updated']");
        await Assertions.Expect(completion).ToContainTextAsync($"by {bobEmail}", new() { Timeout = 20_000 });
        await Assertions.Expect(completion).ToContainTextAsync("status: pending → completed");
        await ann.Page.GetByRole(AriaRole.Button, new() { Name = "Close" }).ClickAsync();

        // Nothing is assigned to Bob yet; Ann assigns a task to him with the editor's picker, and it shows up there live.
        await bob.ShowAsync("Assigned to me");
        await Assertions.Expect(bob.Page.Locator("li.task")).ToHaveCountAsync(0);
        await ann.CreateTaskAsync("Bake bread");
        await ann.Task("Bake bread").GetByRole(AriaRole.Button, new() { Name = "Edit" }).ClickAsync();
        var editor = ann.Page.Locator("#editor");
        await ann.ExplainFailureAsync(() => Assertions.Expect(editor).ToBeVisibleAsync());
        await Assertions.Expect(editor.GetByLabel("List").Locator("option:checked")).ToHaveTextAsync("Groceries");
        var assignee = editor.GetByLabel("Assignee");
        await Assertions.Expect(assignee.Locator("option")).ToHaveTextAsync(["Nobody", $"{annEmail} (me)", bobEmail]);
        await ann.ExplainFailureAsync(() => assignee.SelectOptionAsync(new SelectOptionValue { Label = bobEmail }));
        await ann.ScreenshotAsync("shared-list-assign");
        await editor.GetByRole(AriaRole.Button, new() { Name = "Save" }).ClickAsync();
        await Assertions.Expect(editor).ToBeHiddenAsync();
        await Assertions.Expect(ann.Task("Bake bread").Locator(".assignee .avatar")).ToHaveTextAsync("B");

        await bob.ExplainFailureAsync(() => Assertions.Expect(bob.Task("Bake bread")).ToBeVisibleAsync());
        await Assertions.Expect(bob.Page.Locator("li.task")).ToHaveCountAsync(1);
        await Assertions.Expect(bob.Task("Bake bread").Locator(".list-chip")).ToHaveTextAsync("Groceries");
        await Assertions.Expect(bob.Task("Bake bread").Locator(".assignee .avatar")).ToHaveAttributeAsync("title", "Assigned to you");
        await bob.ScreenshotAsync("shared-list-assigned-to-me");
        foreach (var session in new[] { ann, bob }) session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_member_removed_by_the_owner_loses_the_list_and_its_tasks_from_the_open_page_with_a_message()
    {
        var owner = await app.SignUpAsync();
        var member = await app.SignUpAsync();
        var listId = await owner.ShareListAsync("Weekend trip", member, "editor");
        await owner.CreateTaskAsync(new { title = "Pack the tent", list_id = listId });
        await member.CreateTaskAsync(new { title = "Water the plants" });
        await using var ann = await UiSession.OpenAsync(browser, BaseAddress);
        await ann.SignInAsync(owner.Email, owner.Password);
        await using var bob = await UiSession.OpenAsync(browser, BaseAddress);
        await bob.SignInAsync(member.Email, member.Password);
        await bob.ShowAsync("Weekend trip");
        await Assertions.Expect(bob.Task("Pack the tent")).ToBeVisibleAsync();
        await Assertions.Expect(bob.Page.Locator("li.task")).ToHaveCountAsync(1);

        await ann.ShowAsync("Weekend trip");
        await ann.Page.GetByRole(AriaRole.Button, new() { Name = "Share", Exact = true }).ClickAsync();
        var members = ann.Page.Locator("#share #member-list .member");
        await Assertions.Expect(members).ToHaveCountAsync(2);
        ann.AcceptConfirmations();
        await ann.Page.GetByRole(AriaRole.Button, new() { Name = $"Remove {member.Email}" }).ClickAsync();
        await ann.ExplainFailureAsync(() => Assertions.Expect(members).ToHaveCountAsync(1));

        // Bob's page, as it was, without a reload: the list, its tasks and its view are gone, and he is told why.
        await bob.ExplainFailureAsync(() => Assertions.Expect(bob.Page.Locator("#notice")).ToHaveTextAsync("You no longer have access to “Weekend trip”."));
        await Assertions.Expect(bob.ListLink("Weekend trip")).ToHaveCountAsync(0);
        await Assertions.Expect(bob.Heading).ToHaveTextAsync("All tasks");
        await Assertions.Expect(bob.Task("Water the plants")).ToBeVisibleAsync();
        await Assertions.Expect(bob.Task("Pack the tent")).ToHaveCountAsync(0);
        await bob.ScreenshotAsync("shared-list-access-lost");
        foreach (var session in new[] { ann, bob }) session.AssertNoConsoleErrors();
    }

    [Fact]
    public async Task A_viewer_sees_the_lists_tasks_without_controls_to_change_them_and_may_leave_the_list()
    {
        var owner = await app.SignUpAsync();
        var viewer = await app.SignUpAsync();
        var listId = await owner.ShareListAsync("Team handbook", viewer, "viewer");
        await owner.CreateTaskAsync(new { title = "Review chapter 2", list_id = listId });
        await using var ui = await UiSession.OpenAsync(browser, BaseAddress);
        await ui.SignInAsync(viewer.Email, viewer.Password);

        await Assertions.Expect(ui.ListLink("Team handbook")).ToContainTextAsync("view only");
        await ui.ShowAsync("Team handbook");
        var task = ui.Task("Review chapter 2");
        await Assertions.Expect(task.GetByRole(AriaRole.Checkbox)).ToBeDisabledAsync();
        await Assertions.Expect(task.GetByRole(AriaRole.Button, new() { Name = "Edit" })).ToHaveCountAsync(0);
        await Assertions.Expect(task.GetByRole(AriaRole.Button, new() { Name = "Delete" })).ToHaveCountAsync(0);
        await Assertions.Expect(task.GetByRole(AriaRole.Button, new() { Name = "History" })).ToBeVisibleAsync();
        await Assertions.Expect(ui.Page.GetByRole(AriaRole.Button, new() { Name = "New task" })).ToBeHiddenAsync();
        await Assertions.Expect(ui.Page.GetByLabel("Add a task")).ToBeHiddenAsync();
        await Assertions.Expect(ui.Page.Locator("#list-head .chip.role")).ToHaveTextAsync("View only");

        // A viewer sees who is in the list, invites nobody, and may leave.
        await ui.Page.GetByRole(AriaRole.Button, new() { Name = "Members", Exact = true }).ClickAsync();
        var dialog = ui.Page.Locator("#share");
        await Assertions.Expect(dialog.Locator("#member-list .member")).ToHaveCountAsync(2);
        await Assertions.Expect(dialog.Locator("#member-list .member", new() { HasText = owner.Email })).ToContainTextAsync("Owner");
        await Assertions.Expect(dialog.Locator("#invite-form")).ToBeHiddenAsync();
        await ui.ScreenshotAsync("shared-list-viewer");
        ui.AcceptConfirmations();
        await dialog.GetByRole(AriaRole.Button, new() { Name = "Leave list" }).ClickAsync();

        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(ui.Page.Locator("#notice")).ToHaveTextAsync("You left “Team handbook”.");
        await Assertions.Expect(ui.ListLink("Team handbook")).ToHaveCountAsync(0);
        await Assertions.Expect(ui.Heading).ToHaveTextAsync("All tasks");
        await Assertions.Expect(ui.Page.Locator("li.task")).ToHaveCountAsync(0);
        ui.AssertNoConsoleErrors();
    }
}
