using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFlow.Api.AgentTools;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Api.Chat;

/// <summary>What a tool call did, in words a person reads beside the assistant's answer ("created 'Pay rent', monthly on the 1st").</summary>
public static class ToolCallWords
{
    public static string Describe(string tool, ToolAnswer answer)
    {
        if (answer.IsError) return $"{tool} did not go through: {answer.Text}";
        var result = answer.Content;
        return tool switch
        {
            "add_task" => $"created {DescribeTask(result)}",
            "quick_add" => $"created {DescribeTask(result["task"])}",
            "update_task" or "set_reminder" or "set_recurrence" => $"updated {DescribeTask(result)}",
            "complete_task" => $"completed {DescribeTask(result)}",
            "reopen_task" => $"reopened {DescribeTask(result)}",
            "get_task" => $"looked at {DescribeTask(result)}",
            "delete_task" => $"deleted task {result["task_id"]}",
            "list_tasks" => result["items"] is JsonArray items ? $"found {items.Count} task{(items.Count == 1 ? "" : "s")}" : "listed tasks",
            "task_history" => "read the task's history",
            "read_task_text" => $"read the line as '{result["task"]?["title"]}'",
            "list_lists" => result is JsonArray lists ? $"found {lists.Count} list{(lists.Count == 1 ? "" : "s")}" : "listed lists",
            "create_list" => $"created the list '{result["name"]}'",
            "share_list" => $"invited {result["email"]} to '{result["list_name"]}'",
            "remove_member" => "removed the member",
            _ => tool,
        };
    }

    /// <summary>A task a tool answered (its JSON) in words.</summary>
    public static string DescribeTask(JsonNode? json) =>
        json?.Deserialize<TaskResponse>(EventJson.Options) is { } task ? TaskWords.Describe(task) : "a task";
}
