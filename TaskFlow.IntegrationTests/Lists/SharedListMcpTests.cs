using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Lists;

/// <summary>The roles of a shared list hold for an AI agent acting for each member through MCP, as they do over REST.</summary>
public sealed class SharedListMcpTests(TaskFlowServices app)
{
    private static readonly string[] Tools = ["list_tasks", "get_task", "task_history", "add_task", "update_task", "complete_task", "delete_task", "share_list", "list_lists"];

    /// <summary>One case per role tries every tool (each on a task of its own) and reports every one that answered wrong.</summary>
    [Theory]
    [InlineData("owner")]
    [InlineData("editor")]
    [InlineData("viewer")]
    [InlineData("stranger")]
    public async Task Each_role_s_agent_may_do_what_its_role_allows_and_no_more(string role)
    {
        var listName = $"Agents list {Guid.NewGuid():N}";
        var team = await Team.StartAsync(app, listName, freshPeople: false);
        var (owner, listId) = (team.Owner, team.ListId);
        var member = role != "stranger";
        await using var mcp = await Mcp.ConnectAsync(team.InRole(role));
        var wrong = new List<string>();

        foreach (var tool in Tools)
        {
            var taskId = await owner.CreateTaskIdAsync(new { title = "Agents at work", list_id = listId });
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

            var allowed = tool switch
            {
                "list_tasks" or "get_task" or "task_history" => member,
                "add_task" or "update_task" or "complete_task" or "delete_task" => role is "owner" or "editor",
                "share_list" => role == "owner",
                _ => true,
            };
            if (allowed == (result.IsError == true)) wrong.Add($"{tool}: {(allowed ? "refused" : "allowed")}: {text}");
            if (tool == "list_lists" && member != text.Contains(listName, StringComparison.Ordinal)) wrong.Add($"list_lists: {text}");
            if (!allowed)
            {
                // A stranger hears "no such ..."; a member whose role does not allow it hears why.
                var expected = member ? (tool == "share_list" ? "owner" : "viewer") : "You have no";
                if (!text.Contains(expected, StringComparison.Ordinal)) wrong.Add($"{tool}: the refusal does not say \"{expected}\": {text}");
                var task = await owner.Http.GetFromJsonAsync<JsonObject>($"/api/tasks/{taskId}");
                if ((task!["priority"]!.GetValue<string>(), task["status"]!.GetValue<string>()) != ("medium", "pending")) wrong.Add($"{tool} changed the task: {task}");
            }
        }
        Assert.True(wrong.Count == 0, $"{role}:\n{string.Join("\n", wrong)}");
    }
}
