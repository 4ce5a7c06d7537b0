using System.Text.Json;
using System.Text.Json.Nodes;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Api.Chat;

/// <summary>A conversation as stored (key <c>conversation-{id}</c>) and as <c>GET /api/chat/{id}</c> returns it.</summary>
public sealed record Conversation(string ConversationId, string UserId, DateTimeOffset CreatedAt, IReadOnlyList<ChatTurn> Messages);

/// <summary>A conversation in the user's list: its id, its first message (cut short) as a title, and when it began.</summary>
public sealed record ConversationSummary(string ConversationId, string Title, DateTimeOffset CreatedAt);

/// <summary>One message: the user's, or the assistant's with the tools it called on the way to its answer.</summary>
public sealed record ChatTurn(string Role, string Content, IReadOnlyList<ToolCallRecord> ToolCalls, DateTimeOffset CreatedAt)
{
    public const string User = "user";
    public const string Assistant = "assistant";
}

/// <summary>A tool the assistant called: name, arguments, what the tool answered, and what it did in words.</summary>
public sealed record ToolCallRecord(string Name, JsonObject Arguments, bool IsError, JsonNode? Result, string? Summary = null)
{
    public static ToolCallRecord Of(string name, JsonObject arguments, AgentTools.ToolAnswer answer) =>
        new(name, arguments, answer.IsError, answer.Content.DeepClone(), ToolCallWords.Describe(name, answer));
}

/// <summary>
/// Conversations of one user in the state store. Appends never lose a message: a write based on a stale read is
/// refused by the store, and the append is then redone on the fresh state (read, append, conditional write).
/// </summary>
public sealed class Conversations(IConversationStateStore store, TimeProvider clock)
{
    private const int MaxAttempts = 20;

    /// <summary>How many conversations a user's list keeps (the newest); older ones stay readable by id.</summary>
    public const int ListLength = 50;

    private const int TitleLength = 80;

    public static string Key(string conversationId) => $"conversation-{conversationId}";

    /// <summary>The key of a user's list of conversations; user ids are GUIDs, so no user's key is another's.</summary>
    private static string ListKey(string userId) => $"conversations-of-{userId}";

    /// <summary>The user's conversations, newest first.</summary>
    public async Task<IReadOnlyList<ConversationSummary>> ListAsync(string userId, CancellationToken cancellationToken) =>
        await store.ReadAsync(ListKey(userId), cancellationToken) is { } state
            ? JsonSerializer.Deserialize<List<ConversationSummary>>(state.Value, EventJson.Options) ?? []
            : [];

    /// <summary>Ids are ours (new ones are GUIDs): anything else cannot name a conversation.</summary>
    public static bool IsWellFormedId(string conversationId) => Guid.TryParseExact(conversationId, "N", out _);

    public static string NewId() => Guid.NewGuid().ToString("N");

    /// <summary>The user's conversation; another user's is as absent as a missing one.</summary>
    public async Task<Conversation?> FindAsync(string userId, string conversationId, CancellationToken cancellationToken)
    {
        if (!IsWellFormedId(conversationId)) return null;
        var state = await store.ReadAsync(Key(conversationId), cancellationToken);
        return state is null ? null : Owned(Deserialize(state), userId);
    }

    /// <summary>
    /// Appends <paramref name="turns"/> (creating the conversation when <paramref name="create"/>); null when the user
    /// has no such conversation.
    /// </summary>
    public async Task<Conversation?> AppendAsync(
        string userId, string conversationId, bool create, IReadOnlyList<ChatTurn> turns, CancellationToken cancellationToken)
    {
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var state = await store.ReadAsync(Key(conversationId), cancellationToken);
            Conversation? current;
            if (state is null)
            {
                if (!create) return null;
                current = new Conversation(conversationId, userId, clock.GetUtcNow(), []);
            }
            else if ((current = Owned(Deserialize(state), userId)) is null)
            {
                return null;
            }

            var next = current with { Messages = [.. current.Messages, .. turns] };
            if (await store.TryWriteAsync(Key(conversationId), JsonSerializer.SerializeToUtf8Bytes(next, EventJson.Options), state?.ETag, cancellationToken))
            {
                if (state is null) await AddToListAsync(userId, next, cancellationToken);
                return next;
            }
        }
        throw new InvalidOperationException($"Conversation {conversationId} kept changing under {MaxAttempts} attempts to append to it.");
    }

    /// <summary>Puts a new conversation at the top of its user's list (read, prepend, conditional write, as appends do).</summary>
    private async Task AddToListAsync(string userId, Conversation conversation, CancellationToken cancellationToken)
    {
        var first = conversation.Messages.FirstOrDefault()?.Content ?? "";
        var summary = new ConversationSummary(conversation.ConversationId,
            first.Length <= TitleLength ? first : first[..(TitleLength - 1)] + "…", conversation.CreatedAt);
        for (var attempt = 0; attempt < MaxAttempts; attempt++)
        {
            var state = await store.ReadAsync(ListKey(userId), cancellationToken);
            var list = state is null ? [] : JsonSerializer.Deserialize<List<ConversationSummary>>(state.Value, EventJson.Options) ?? [];
            List<ConversationSummary> next = [summary, .. list.Where(c => c.ConversationId != summary.ConversationId).Take(ListLength - 1)];
            if (await store.TryWriteAsync(ListKey(userId), JsonSerializer.SerializeToUtf8Bytes(next, EventJson.Options), state?.ETag, cancellationToken)) return;
        }
        throw new InvalidOperationException($"The conversation list of a user kept changing under {MaxAttempts} attempts to add to it.");
    }

    private static Conversation? Owned(Conversation conversation, string userId) => conversation.UserId == userId ? conversation : null;

    private static Conversation Deserialize(StoredState state) =>
        JsonSerializer.Deserialize<Conversation>(state.Value, EventJson.Options)
        ?? throw new InvalidOperationException("A stored conversation is empty.");
}
