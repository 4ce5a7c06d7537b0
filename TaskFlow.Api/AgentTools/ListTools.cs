using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFlow.Api.Lists;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Api.AgentTools;

/// <summary>
/// The list tools for AI agents, beside the task tools: every one goes through <see cref="ListService"/>, so membership,
/// roles and events are REST's own. A list the caller is not in answers as one that does not exist.
/// </summary>
public static class ListTools
{
    public static readonly IReadOnlyList<TaskTool> All =
    [
        new("list_lists", "List lists",
            "The signed-in user's lists (their Inbox first), each with its members (user_id, email, role) and the user's own role. "
            + "A task is in exactly one list: pass list_id to add_task, update_task (to move it) or list_tasks.",
            TaskTools.Schema([]),
            ReadOnly: true, Destructive: false,
            async call => ToJson(new ListOutcome<IReadOnlyList<ListResponse>>.Done(await call.Lists.MineAsync(call.UserId, call.CancellationToken)))),
        new("create_list", "Create a list", "Create a list the user owns, to share with others (share_list).",
            TaskTools.Schema(["name"], ("name", TaskTools.Text("1-100 characters.")), ("color", TaskTools.Text("#rrggbb; optional."))),
            ReadOnly: false, Destructive: false,
            async call => ToJson(await call.Lists.CreateAsync(call.UserId, new ListRequest(Scalar(call, "name"), Scalar(call, "color")), call.CancellationToken))),
        new("share_list", "Share a list",
            "Invite someone by e-mail address to a list the user owns, as an editor (may change its tasks) or a viewer (reads only). "
            + "They join when they accept the invitation in TaskFlow.",
            TaskTools.Schema(["list_id", "email"], ListId(), ("email", TaskTools.Text("The invitee's e-mail address.")),
                ("role", new JsonObject { ["type"] = "string", ["enum"] = new JsonArray("editor", "viewer"), ["description"] = "Default editor." })),
            ReadOnly: false, Destructive: false,
            WithListId(async (call, listId) => ToJson(await call.Lists.InviteAsync(call.UserId, listId,
                new InvitationRequest(Scalar(call, "email") ?? "", Scalar(call, "role")), call.CancellationToken)))),
        new("remove_member", "Remove a member",
            "Remove a member from a list the user owns (they lose access at once and are unassigned from its tasks), "
            + "or leave a list by giving the user's own user_id.",
            TaskTools.Schema(["list_id", "user_id"], ListId(), ("user_id", TaskTools.Text("The member's user_id, from list_lists."))),
            ReadOnly: false, Destructive: true,
            WithListId(async (call, listId) => ToJson(await call.Lists.RemoveMemberAsync(call.UserId, listId, Scalar(call, "user_id") ?? "", call.CancellationToken)))),
    ];

    /// <summary>A tool on one list: its list_id is checked first, then <paramref name="run"/> answers.</summary>
    private static Func<TaskToolCall, Task<ToolAnswer>> WithListId(Func<TaskToolCall, int, Task<ToolAnswer>> run) => call =>
        call.Arguments["list_id"] is JsonValue value && value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<int>(out var id) && id > 0
            ? run(call, id)
            : Task.FromResult(ToolAnswer.Error("The list_id argument is required and must be a positive whole number (a list_id from list_lists)."));

    /// <summary>An outcome as a tool's answer: the value, or what went wrong in words the agent can act on.</summary>
    private static ToolAnswer ToJson<T>(ListOutcome<T> outcome) => outcome switch
    {
        ListOutcome<T>.Done(Nothing) => ToolAnswer.Ok(new JsonObject { ["done"] = true }),
        ListOutcome<T>.Done(var value) => ToolAnswer.Ok(JsonSerializer.SerializeToNode(value, EventJson.Options)!),
        ListOutcome<T>.NotFound(var what, var id) => ToolAnswer.Error($"You have no {what} {id}. Use list_lists to see your lists and their members."),
        ListOutcome<T>.Forbidden(var why) => ToolAnswer.Error(why),
        ListOutcome<T>.Conflict(var why) => ToolAnswer.Error(why),
        ListOutcome<T>.Invalid(var errors) => ToolAnswer.Invalid(errors),
        _ => throw new UnreachableException(),
    };

    /// <summary>A string argument; a value of another kind reads as null, which the use case then names as missing or invalid.</summary>
    private static string? Scalar(TaskToolCall call, string name) =>
        call.Arguments[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;

    private static (string, JsonObject) ListId() =>
        ("list_id", new JsonObject { ["type"] = "integer", ["minimum"] = 1, ["description"] = "The list's id (list_id in the results of list_lists)." });
}
