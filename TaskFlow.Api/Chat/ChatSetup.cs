using System.ClientModel;
using Microsoft.Extensions.AI;
using OpenAI;
using TaskFlow.Messaging;

namespace TaskFlow.Api.Chat;

/// <summary>The chat model behind <c>/api/chat</c>, bound from <c>Chat</c>.</summary>
public sealed class ChatModelOptions
{
    public const string Section = "Chat";

    /// <summary><c>openai</c> (any OpenAI-compatible endpoint; the default when an API key is set) or <c>scripted</c> (tests only).</summary>
    public string? Provider { get; set; }

    /// <summary>Base address of an OpenAI-compatible API; empty means OpenAI's.</summary>
    public string? Endpoint { get; set; }

    public string? Model { get; set; }

    public string? ApiKey { get; set; }
}

public static class ChatSetup
{
    /// <summary>
    /// Conversations in the state store (Redis directly, or the Dapr sidecar's <c>statestore</c> with the Dapr transport)
    /// and the assistant: the chat model's agent when one is configured, else the built-in assistant.
    /// </summary>
    public static IHostApplicationBuilder AddChat(this IHostApplicationBuilder builder)
    {
        if (MessagingTransport.IsDapr(builder.Configuration))
        {
            builder.Services.AddSingleton<IConversationStateStore, DaprConversationStateStore>();
        }
        else
        {
            builder.AddRedisClient("redis");
            builder.Services.AddSingleton<IConversationStateStore, RedisConversationStateStore>();
        }
        builder.Services.AddSingleton<Conversations>();

        var options = builder.Configuration.GetSection(ChatModelOptions.Section).Get<ChatModelOptions>() ?? new();
        if (CreateModel(options) is { } model)
        {
            builder.Services.AddChatClient(model).UseFunctionInvocation();
            builder.Services.AddScoped<IAssistant, ChatAgent>();
        }
        else builder.Services.AddScoped<IAssistant, BuiltInAssistant>();
        builder.Services.AddScoped<ChatExchange>();
        return builder;
    }

    private static IChatClient? CreateModel(ChatModelOptions options)
    {
        var provider = options.Provider ?? (string.IsNullOrEmpty(options.ApiKey) ? null : "openai");
        switch (provider)
        {
            case null:
                return null;
            case ScriptedChatClient.ProviderName:
                return new ScriptedChatClient();
            case "openai" when !string.IsNullOrEmpty(options.ApiKey) && !string.IsNullOrEmpty(options.Model):
                var client = string.IsNullOrEmpty(options.Endpoint)
                    ? new OpenAIClient(new ApiKeyCredential(options.ApiKey))
                    : new OpenAIClient(new ApiKeyCredential(options.ApiKey), new OpenAIClientOptions { Endpoint = new Uri(options.Endpoint) });
                return client.GetChatClient(options.Model).AsIChatClient();
            case "openai":
                throw new InvalidOperationException("Chat:Provider is openai but Chat:Model or Chat:ApiKey is missing.");
            default:
                throw new InvalidOperationException($"Chat:Provider '{provider}' is unknown: use openai or scripted.");
        }
    }
}
