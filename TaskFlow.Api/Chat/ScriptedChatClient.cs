using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Extensions.AI;

namespace TaskFlow.Api.Chat;

/// <summary>
/// A development and test double for the chat model, used only with <c>Chat:Provider=scripted</c>: no language model,
/// it follows a script so tests can drive the real agent, tools and history deterministically. A user message
/// <c>call &lt;tool&gt; &lt;JSON arguments&gt;</c> makes it call that tool; a tool's result makes it reply with that
/// result; anything else gets a sentence explaining the script.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    public const string ProviderName = "scripted";

    private const string CallPrefix = "call ";

    public Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        var last = messages.Last();
        var reply = last.Role == ChatRole.Tool
            ? new ChatMessage(ChatRole.Assistant, "Tool result: " + string.Join(" ", last.Contents.OfType<FunctionResultContent>().Select(r => JsonSerializer.Serialize(r.Result))))
            : Call(last.Text.Trim(), messages.Count()) is { } call
                ? new ChatMessage(ChatRole.Assistant, [call])
                : new ChatMessage(ChatRole.Assistant, $"I am the scripted development model: write \"{CallPrefix}<tool> <JSON arguments>\" to call a tool.");
        return Task.FromResult(new ChatResponse(reply));
    }

    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(
        IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        foreach (var update in (await GetResponseAsync(messages, options, cancellationToken)).ToChatResponseUpdates())
            yield return update;
    }

    public object? GetService(Type serviceType, object? serviceKey = null) => serviceType.IsInstanceOfType(this) ? this : null;

    public void Dispose()
    {
    }

    private static FunctionCallContent? Call(string text, int position)
    {
        if (!text.StartsWith(CallPrefix, StringComparison.Ordinal)) return null;
        var rest = text[CallPrefix.Length..].Trim();
        var split = rest.IndexOf(' ', StringComparison.Ordinal);
        var name = split < 0 ? rest : rest[..split];
        try
        {
            var arguments = split < 0 ? [] : JsonSerializer.Deserialize<Dictionary<string, object?>>(rest[split..]) ?? [];
            return new FunctionCallContent($"scripted-{position}", name, arguments);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
