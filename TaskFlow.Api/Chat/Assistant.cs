using TaskFlow.Api.QuickAdd;

namespace TaskFlow.Api.Chat;

/// <summary>What the assistant needs to know about the person: "tomorrow" and "9am" are theirs, "12/11" reads their way.</summary>
public sealed record AssistantContext(string TimeZone, DateOrder DateOrder);

/// <summary>A piece of the assistant's answer as it arrives: some text, or a tool it called (with what it did in words).</summary>
public abstract record AssistantUpdate
{
    public sealed record Text(string Delta) : AssistantUpdate;

    public sealed record ToolCalled(ToolCallRecord Call) : AssistantUpdate;
}

/// <summary>
/// Answers one user message, given the conversation so far, with the task tools as the signed-in user: the chat model
/// when one is configured (<see cref="ChatAgent"/>), else the assistant that understands everyday requests itself
/// (<see cref="BuiltInAssistant"/>).
/// </summary>
public interface IAssistant
{
    IAsyncEnumerable<AssistantUpdate> ReplyAsync(
        string userId, IReadOnlyList<ChatTurn> history, string message, AssistantContext context, CancellationToken cancellationToken);
}
