using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using TaskFlow.IntegrationTests.LiveUpdates;

namespace TaskFlow.IntegrationTests.Lists;

/// <summary>
/// A list shared by its owner with an editor and a viewer, and a stranger who is in none of it: what each may do through
/// REST, invitations, assignment, who changed what, and live updates to every member (and to a removed one no more).
/// </summary>
public sealed class SharedListTests(TaskFlowServices app)
{
    private static readonly TimeSpan Soon = TimeSpan.FromSeconds(15);

    private Task<Team> TeamAsync(bool freshPeople = true) => Team.StartAsync(app, "Release checklist", freshPeople);

    /// <summary>Every operation the matrix checks, in an order that leaves deleting the list last.</summary>
    private static readonly string[] Operations = ["list", "get", "history", "create", "update", "complete", "delete", "invite", "rename", "delete_list"];

    /// <summary>
    /// Read: every member. Tasks: owner and editors. The list itself: its owner. Anyone else: as if nothing were there.
    /// One case per role tries every operation (each on a task of its own) and reports every one that answered wrong.
    /// </summary>
    [Theory]
    [InlineData("owner")]
    [InlineData("editor")]
    [InlineData("viewer")]
    [InlineData("stranger")]
    public async Task Each_role_may_do_what_its_role_allows_and_no_more(string role)
    {
        var team = await TeamAsync(freshPeople: false);
        var user = team.InRole(role);
        var member = role != "stranger";
        var editsTasks = role is "owner" or "editor";
        var wrong = new List<string>();

        foreach (var operation in Operations)
        {
            var taskId = await team.Owner.CreateTaskIdAsync(new { title = "Tag the release", list_id = team.ListId });
            var (response, expected) = operation switch
            {
                "list" => (await user.Http.GetAsync($"/api/tasks?list_id={team.ListId}"), member ? HttpStatusCode.OK : HttpStatusCode.NotFound),
                "get" => (await user.Http.GetAsync($"/api/tasks/{taskId}"), member ? HttpStatusCode.OK : HttpStatusCode.NotFound),
                "history" => (await user.Http.GetAsync($"/api/tasks/{taskId}/history"), member ? HttpStatusCode.OK : HttpStatusCode.NotFound),
                "create" => (await user.Http.PostAsJsonAsync("/api/tasks", new { title = "Write the notes", list_id = team.ListId }),
                    editsTasks ? HttpStatusCode.Created : member ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound),
                "update" => (await user.PatchAsync($"/api/tasks/{taskId}", """{"priority":"high"}"""), Changing(member, editsTasks)),
                "complete" => (await user.Http.PostAsync($"/api/tasks/{taskId}/complete", null), Changing(member, editsTasks)),
                "delete" => (await user.Http.DeleteAsync($"/api/tasks/{taskId}"), editsTasks ? HttpStatusCode.NoContent : member ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound),
                "invite" => (await user.Http.PostAsJsonAsync($"/api/lists/{team.ListId}/invitations", new { email = "someone@example.test" }), Owning(role, HttpStatusCode.Created)),
                "rename" => (await user.PatchAsync($"/api/lists/{team.ListId}", """{"name":"Renamed"}"""), Owning(role, HttpStatusCode.OK)),
                "delete_list" => (await user.Http.DeleteAsync($"/api/lists/{team.ListId}"), Owning(role, HttpStatusCode.NoContent)),
                _ => throw new ArgumentOutOfRangeException(nameof(role)),
            };

            if (expected != response.StatusCode)
                wrong.Add($"{operation}: {(int)response.StatusCode}, expected {(int)expected}: {await response.Content.ReadAsStringAsync()}");
            else if (!response.IsSuccessStatusCode && string.IsNullOrWhiteSpace((await response.Content.ReadFromJsonAsync<JsonObject>())?["detail"]?.GetValue<string>()))
                wrong.Add($"{operation}: a refusal that does not say why");
            // Whatever a refused request was, the task is as it was.
            if (!editsTasks && operation is "update" or "complete" or "delete")
            {
                var task = await team.Owner.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{taskId}");
                if ((task!["priority"]!.GetValue<string>(), task["status"]!.GetValue<string>()) != ("medium", "pending")) wrong.Add($"{operation} changed the task: {task}");
            }
        }
        Assert.True(wrong.Count == 0, $"{role}:\n{string.Join("\n", wrong)}");
    }

    private static HttpStatusCode Changing(bool member, bool editsTasks) =>
        editsTasks ? HttpStatusCode.OK : member ? HttpStatusCode.Forbidden : HttpStatusCode.NotFound;

    /// <summary>What an operation on the list itself answers: <paramref name="done"/> for its owner, 403 for other members, 404 for others.</summary>
    private static HttpStatusCode Owning(string role, HttpStatusCode done) => role switch
    {
        "owner" => done,
        "stranger" => HttpStatusCode.NotFound,
        _ => HttpStatusCode.Forbidden,
    };

    [Fact]
    public async Task An_invitation_waits_for_its_address_which_accepts_or_declines_it_and_nobody_else_can()
    {
        var owner = await app.SignUpAsync();
        var listId = await owner.CreateListAsync("Household");
        var email = $"later-{Guid.NewGuid():N}@example.test";
        var invitationId = await owner.InviteAsync(listId, email, "viewer");
        var stranger = await app.SignUpAsync();

        // Not theirs: as if it did not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await stranger.Http.PostAsync($"/api/invitations/{invitationId}/accept", null)).StatusCode);
        Assert.Empty((await stranger.Http.GetFromJsonAsync<JsonArray>("/api/invitations"))!);

        // Registering with the address shows it; accepting joins with the offered role.
        var invitee = new TaskFlowUser(app.CreateApiClient(), email, "Correct-Horse-9");
        await invitee.RegisterAndLoginAsync();
        var waiting = Assert.Single((await invitee.Http.GetFromJsonAsync<JsonArray>("/api/invitations"))!);
        Assert.Equal(("Household", "viewer", owner.Email), (waiting!["list_name"]!.GetValue<string>(), waiting["role"]!.GetValue<string>(), waiting["invited_by"]!.GetValue<string>()));
        var joined = await invitee.Http.PostAsync($"/api/invitations/{invitationId}/accept", null);
        Assert.Equal(HttpStatusCode.OK, joined.StatusCode);
        Assert.Equal("viewer", (await joined.Content.ReadFromJsonAsync<JsonObject>())!["role"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, (await invitee.Http.PostAsync($"/api/invitations/{invitationId}/accept", null)).StatusCode);
        var members = (await owner.Http.GetFromJsonAsync<JsonObject>($"/api/lists/{listId}"))!["members"]!.AsArray();
        Assert.Equal([owner.Email, email], members.Select(m => m!["email"]!.GetValue<string>()));

        // Inviting a member again is a conflict; a declined invitation is gone.
        var again = await owner.Http.PostAsJsonAsync($"/api/lists/{listId}/invitations", new { email });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var declined = await owner.InviteAsync(listId, stranger.Email, "editor");
        Assert.Equal(HttpStatusCode.NoContent, (await stranger.Http.PostAsync($"/api/invitations/{declined}/decline", null)).StatusCode);
        Assert.Empty((await stranger.Http.GetFromJsonAsync<JsonArray>("/api/invitations"))!);
        Assert.Empty((await owner.Http.GetFromJsonAsync<JsonArray>($"/api/lists/{listId}/invitations"))!);
    }

    [Theory]
    [InlineData("""{"email":"not an address"}""", "email")]
    [InlineData("""{"email":"a@example.test","role":"owner"}""", "role")]
    [InlineData("""{"email":"a@example.test","role":"admin"}""", "role")]
    public async Task A_bad_invitation_is_a_400_naming_the_field(string body, string field)
    {
        var owner = await app.SignUpAsync();
        var listId = await owner.CreateListAsync("Bad invitations");

        var response = await owner.PostRawAsync($"/api/lists/{listId}/invitations", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]![field] is not null);
    }

    [Fact]
    public async Task An_inbox_is_never_shared_deleted_or_left()
    {
        var user = await app.SignUpAsync();
        var inbox = (await user.Http.GetFromJsonAsync<JsonArray>("/api/lists"))![0]!;
        Assert.True(inbox["is_inbox"]!.GetValue<bool>());
        var inboxId = inbox["list_id"]!.GetValue<int>();

        Assert.Equal(HttpStatusCode.Conflict, (await user.Http.PostAsJsonAsync($"/api/lists/{inboxId}/invitations", new { email = "a@example.test" })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await user.Http.DeleteAsync($"/api/lists/{inboxId}")).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await user.Http.DeleteAsync($"/api/lists/{inboxId}/members/{await user.UserIdAsync()}")).StatusCode);
        // A task without a list goes to the Inbox.
        var task = await user.CreateTaskAsync(new { title = "Mine" });
        Assert.Equal(inboxId, task["list_id"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_task_is_assigned_only_to_a_member_who_edits_and_assigned_to_me_spans_lists()
    {
        var team = await TeamAsync();
        var editorId = await team.Editor.UserIdAsync();
        var viewerId = await team.Viewer.UserIdAsync();
        var strangerId = await team.Stranger.UserIdAsync();

        var taskId = await team.Owner.CreateTaskIdAsync(new { title = "Write the notes", list_id = team.ListId, assignee_id = editorId });
        foreach (var notEditing in new[] { viewerId, strangerId })
        {
            var refused = await team.Owner.PatchAsync($"/api/tasks/{taskId}", $$"""{"assignee_id":"{{notEditing}}"}""");
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            Assert.True((await refused.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!["assignee_id"] is not null);
        }
        var own = await team.Editor.CreateTaskIdAsync(new { title = "My own errand", assignee_id = editorId });

        var mine = await team.Editor.Http.GetFromJsonAsync<JsonObject>("/api/tasks?assignee=me");
        Assert.Equal(new[] { taskId, own }.Order(), mine!["items"]!.AsArray().Select(t => t!["task_id"]!.GetValue<int>()).Order());

        // Leaving the list unassigns them there.
        Assert.Equal(HttpStatusCode.NoContent, (await team.Editor.Http.DeleteAsync($"/api/lists/{team.ListId}/members/{editorId}")).StatusCode);
        var task = await team.Owner.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{taskId}");
        Assert.Null(task!["assignee_id"]);
        Assert.Equal(HttpStatusCode.NotFound, (await team.Editor.Http.GetAsync($"/api/tasks/{taskId}")).StatusCode);
    }

    [Fact]
    public async Task A_task_moves_between_lists_its_mover_edits_and_its_history_says_who_changed_what()
    {
        var team = await TeamAsync();
        var taskId = await team.Editor.CreateTaskIdAsync(new { title = "Draft the announcement", list_id = team.ListId });
        await team.Owner.PatchAsync($"/api/tasks/{taskId}", """{"priority":"high"}""");
        var otherList = await team.Owner.CreateListAsync("Later");

        // The editor is no member of the other list: for them it does not exist.
        Assert.Equal(HttpStatusCode.NotFound, (await team.Editor.PatchAsync($"/api/tasks/{taskId}", $$"""{"list_id":{{otherList}}}""")).StatusCode);
        var moved = await team.Owner.PatchAsync($"/api/tasks/{taskId}", $$"""{"list_id":{{otherList}}}""");
        Assert.Equal(HttpStatusCode.OK, moved.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await team.Viewer.Http.GetAsync($"/api/tasks/{taskId}")).StatusCode);

        var history = await team.Owner.WaitForHistoryAsync(taskId, 3, Soon);
        Assert.Equal([team.Editor.Email, team.Owner.Email, team.Owner.Email], history.Select(e => e!["actor"]!.GetValue<string>()));
        Assert.Equal(otherList, history[2]!["changes"]!["list_id"]!["new"]!.GetValue<int>());
    }

    /// <summary>One change reaches every member's open stream once; a member removed gets that news as the list's last event, then nothing of it.</summary>
    [Fact]
    public async Task Every_member_s_stream_gets_each_change_once_and_a_removed_member_s_stream_gets_no_more()
    {
        var team = await TeamAsync();
        var (owner, _) = await SseStream.OpenAsync(team.Owner.Http);
        var (viewer, _) = await SseStream.OpenAsync(team.Viewer.Http);
        var (stranger, _) = await SseStream.OpenAsync(team.Stranger.Http);
        await using var _o = owner;
        await using var _v = viewer;
        await using var _s = stranger;

        var taskId = await team.Editor.CreateTaskIdAsync(new { title = "Ship it", list_id = team.ListId });
        Assert.Equal(("task.changed", taskId), Short(await NextTaskEventAsync(owner)));
        Assert.Equal(("task.changed", taskId), Short(await NextTaskEventAsync(viewer)));

        var viewerId = await team.Viewer.UserIdAsync();
        Assert.Equal(HttpStatusCode.NoContent, (await team.Owner.Http.DeleteAsync($"/api/lists/{team.ListId}/members/{viewerId}")).StatusCode);
        var removal = await viewer.NextAsync(Soon);
        Assert.Equal(("list.member_removed", viewerId), (removal.Json["event_type"]!.GetValue<string>(), removal.Json["data"]!["user_id"]!.GetValue<string>()));
        Assert.Equal("list.member_removed", (await owner.NextAsync(Soon)).Json["event_type"]!.GetValue<string>());

        await team.Editor.PatchAsync($"/api/tasks/{taskId}", """{"title":"Ship it today"}""");
        Assert.Equal(("task.changed", taskId), Short(await NextTaskEventAsync(owner)));
        // The owner's stream has the change; the removed viewer's and the stranger's have nothing of the list (a
        // change of their own Inbox is the next thing they get).
        await team.Viewer.CreateTaskIdAsync(new { title = "Viewer's own" });
        await team.Stranger.CreateTaskIdAsync(new { title = "Stranger's own" });
        Assert.Equal("Viewer's own", (await viewer.NextAsync(Soon)).Json["data"]!["task"]!["title"]!.GetValue<string>());
        Assert.Equal("Stranger's own", (await stranger.NextAsync(Soon)).Json["data"]!["task"]!["title"]!.GetValue<string>());
    }

    [Fact]
    public async Task Deleting_a_list_deletes_its_tasks_for_every_member()
    {
        var team = await TeamAsync();
        var taskId = await team.Editor.CreateTaskIdAsync(new { title = "Doomed", list_id = team.ListId });

        Assert.Equal(HttpStatusCode.NoContent, (await team.Owner.Http.DeleteAsync($"/api/lists/{team.ListId}")).StatusCode);

        Assert.Equal(HttpStatusCode.NotFound, (await team.Editor.Http.GetAsync($"/api/tasks/{taskId}")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await team.Editor.Http.GetAsync($"/api/lists/{team.ListId}")).StatusCode);
        var deleted = app.ReadTaskEvents(taskId, expected: 2, Soon);
        Assert.Equal("task.deleted", deleted[^1].Json["event_type"]!.GetValue<string>());
    }

    /// <summary>
    /// The stream's next task event. The list's own events of the setting up (members joining) may still be on their
    /// way when the stream opens: they are skipped; a task event is never skipped.
    /// </summary>
    private static async Task<(string EventType, int? TaskId, string Id)> NextTaskEventAsync(SseStream stream)
    {
        while (true)
        {
            var next = await stream.NextEnvelopeAsync(Soon);
            if (!next.EventType.StartsWith("list.", StringComparison.Ordinal)) return next;
        }
    }

    private static (string, int?) Short((string EventType, int? TaskId, string Id) envelope) => (envelope.EventType, envelope.TaskId);
}
