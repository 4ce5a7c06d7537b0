using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.AI;
using TaskFlow.Api.AgentTools;

namespace TaskFlow.Api.Chat;

/// <summary>
/// The chat model answering one user message: it sees the conversation so far and may call the task tools (invoked by
/// the function-invoking chat client) as the signed-in user. Its text streams as it arrives; each tool call is
/// reported as it completes.
/// </summary>
public sealed class ChatAgent(IChatClient chat, ToolServices tools, TimeProvider clock) : IAssistant
{
    public async IAsyncEnumerable<AssistantUpdate> ReplyAsync(
        string userId, IReadOnlyList<ChatTurn> history, string message, AssistantContext context,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var updates = Channel.CreateUnbounded<AssistantUpdate>();
        var options = new ChatOptions
        {
            Tools = [.. TaskTools.All.Select(tool => new TaskToolFunction(tool, userId, tools, call => updates.Writer.TryWrite(new AssistantUpdate.ToolCalled(call))))],
        };
        List<ChatMessage> messages = [new(ChatRole.System, Instructions(context)), .. history.SelectMany(ToModel), new(ChatRole.User, message)];

        var model = Task.Run(async () =>
        {
            try
            {
                await foreach (var update in chat.GetStreamingResponseAsync(messages, options, cancellationToken))
                    if (!string.IsNullOrEmpty(update.Text)) updates.Writer.TryWrite(new AssistantUpdate.Text(update.Text));
                updates.Writer.Complete();
            }
            catch (Exception exception)
            {
                updates.Writer.Complete(exception);
            }
        }, cancellationToken);

        await foreach (var update in updates.Reader.ReadAllAsync(cancellationToken)) yield return update;
        await model;
    }

    private string Instructions(AssistantContext context) =>
        "You are TaskFlow's assistant. You manage the signed-in user's tasks with the tools you have: add tasks (quick_add reads "
        + "a sentence such as 'Pay rent every month on the 1st at 9am' into a task; add_task takes the fields), list, get, update, "
        + "complete, reopen and delete tasks, set reminders and recurrences, and read a task's history. Find a task's task_id "
        + "with list_tasks before changing it. When a tool answers an error, fix the arguments or tell the user what went wrong. "
        + $"Answer briefly. Now is {clock.GetUtcNow():yyyy-MM-dd'T'HH:mm'Z'} (UTC); the user's time zone is {context.TimeZone}: "
        + "pass it as time_zone to quick_add.";

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
