using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Lists;

/// <summary>The roles of a shared list hold for an AI agent acting for each member through MCP, as they do over REST.</summary>
public sealed class SharedListMcpTests(TaskFlowServices app)
{
    public static TheoryData<string, string> RolesAndTools =>
        new(from role in new[] { "owner", "editor", "viewer", "stranger" }
            from tool in new[] { "list_tasks", "get_task", "task_history", "add_task", "update_task", "complete_task", "delete_task", "share_list", "list_lists" }
            select (role, tool));

    [Theory]
    [MemberData(nameof(RolesAndTools))]
    public async Task Each_role_s_agent_may_do_what_its_role_allows_and_no_more(string role, string tool)
    {
        var listName = $"Agents list {Guid.NewGuid():N}";
        var team = await Team.StartAsync(app, listName, freshPeople: false);
        var (owner, listId) = (team.Owner, team.ListId);
        var taskId = await owner.CreateTaskIdAsync(new { title = "Agents at work", list_id = listId });
        var user = team.InRole(role);
        await using var mcp = await Mcp.ConnectAsync(user);

        var arguments = tool switch
        {
            "list_tasks" => new Dictionary<string, object?> { ["list_id"] = listId },
            "add_task" => new() { ["title"] = "Added by an agent", ["list_id"] = listId },
            "update_task" => new() { ["task_id"] = taskId, ["priority"] = "high" },
            "share_list" => new() { ["list_id"] = listId, ["email"] = "someone@example.test" },
            "list_lists" => new(),
            _ => new() { ["task_id"] = taskId },
        };
        var result = await mcp.CallToolAsync(tool, arguments);
        var text = Mcp.Text(result);

        var member = role != "stranger";
        var allowed = tool switch
        {
            "list_tasks" or "get_task" or "task_history" => member,
            "add_task" or "update_task" or "complete_task" or "delete_task" => role is "owner" or "editor",
            "share_list" => role == "owner",
            _ => true,
        };
        Assert.True(allowed != (result.IsError == true), $"{role} {tool}: {text}");
        if (tool == "list_lists") Assert.Equal(member, text.Contains(listName, StringComparison.Ordinal));
        if (!allowed)
        {
            // A stranger hears "no such ..."; a member whose role does not allow it hears why.
            Assert.Contains(member ? (tool == "share_list" ? "owner" : "viewer") : "You have no", text);
            var task = await owner.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{taskId}");
            Assert.Equal(("medium", "pending"), (task!["priority"]!.GetValue<string>(), task["status"]!.GetValue<string>()));
        }
    }
}
