using System.Text.Json;
using Microsoft.Extensions.AI;
using TaskFlow.Api.AgentTools;
using TaskFlow.Api.Tasks;

namespace TaskFlow.Api.Chat;

/// <summary>What the assistant answered to one message, and the tools it called for it.</summary>
public sealed record AgentReply(string Text, IReadOnlyList<ToolCallRecord> ToolCalls);

/// <summary>
/// Answers one user message: the model sees the conversation so far and may call the task tools (invoked by the
/// function-invoking chat client) as the signed-in user.
/// </summary>
public sealed class ChatAgent(IChatClient chat, TaskService tasks, TimeProvider clock)
{
    public async Task<AgentReply> ReplyAsync(string userId, IReadOnlyList<ChatTurn> history, string message, CancellationToken cancellationToken)
    {
        var calls = new List<ToolCallRecord>();
        var options = new ChatOptions { Tools = [.. TaskTools.All.Select(tool => new TaskToolFunction(tool, userId, tasks, calls))] };
        List<ChatMessage> messages = [new(ChatRole.System, Instructions()), .. history.SelectMany(ToModel), new(ChatRole.User, message)];

        var response = await chat.GetResponseAsync(messages, options, cancellationToken);
        lock (calls) return new AgentReply(response.Text, [.. calls]);
    }

    private string Instructions() =>
        "You are TaskFlow's assistant. You manage the signed-in user's tasks with the tools you have: add, list, get, update, "
        + "complete, reopen and delete tasks, set reminders and recurrences, and read a task's history. Find a task's task_id "
        + "with list_tasks before changing it. When a tool answers an error, fix the arguments or tell the user what went wrong. "
        + $"Answer briefly. Now is {clock.GetUtcNow():yyyy-MM-dd'T'HH:mm'Z'} (UTC).";

    /// <summary>A stored turn as the model saw it: the assistant's tool calls and their results come before its answer.</summary>
    private static IEnumerable<ChatMessage> ToModel(ChatTurn turn, int index)
    {
        if (turn.Role == ChatTurn.User)
        {
            yield return new ChatMessage(ChatRole.User, turn.Content);
            yield break;
        }
        if (turn.ToolCalls.Count > 0)
        {
            var ids = turn.ToolCalls.Select((_, call) => $"history-{index}-{call}").ToList();
            yield return new ChatMessage(ChatRole.Assistant, [.. turn.ToolCalls.Select((call, i) =>
                new FunctionCallContent(ids[i], call.Name, call.Arguments.Deserialize<Dictionary<string, object?>>()))]);
            yield return new ChatMessage(ChatRole.Tool, [.. turn.ToolCalls.Select((call, i) =>
                new FunctionResultContent(ids[i], TaskToolFunction.ForModel(call.IsError, call.Result)))]);
        }
        yield return new ChatMessage(ChatRole.Assistant, turn.Content);
    }
}
