using System.ComponentModel;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace TaskFlow.Api.Chat;

public sealed record SendMessageRequest(
    [property: Description("Continue this conversation; leave out to start a new one.")] string? ConversationId,
    [property: Description("What the user says, 1-4000 characters.")] string? Message);

public sealed record SendMessageResponse(string ConversationId, string Response, IReadOnlyList<ToolCallRecord> ToolCalls);

/// <summary><c>/api/chat</c>: talk to the task assistant; conversations live in the state store, not in this process.</summary>
public static class ChatEndpoints
{
    public const int MessageMaxLength = 4000;

    public const string NotConfigured =
        "No chat model is configured. Set Chat:Model and Chat:ApiKey (and Chat:Endpoint for an OpenAI-compatible service "
        + "other than OpenAI) in the AppHost's configuration or user secrets, e.g. dotnet user-secrets set Chat:ApiKey <key> "
        + "--project TaskFlow.AppHost, then restart.";

    public static RouteGroupBuilder MapChatEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSignedInGroup("/api/chat", "Chat");
        group.MapPost("/", PostAsync)
            .WithName("Chat")
            .WithSummary("Send a message to the task assistant")
            .WithDescription("The assistant may call the same tools as the MCP server, as you. Answers 503 when no chat model is configured.")
            .ProducesProblem(StatusCodes.Status502BadGateway)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapGet("/{conversationId}", GetAsync)
            .WithName("GetConversation")
            .WithSummary("A conversation's messages, oldest first");
        return group;
    }

    private static async Task<Results<Ok<SendMessageResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> PostAsync(
        SendMessageRequest request, ClaimsPrincipal user, IServiceProvider services, Conversations conversations, TimeProvider clock,
        ILogger<ChatAgent> logger, CancellationToken cancellationToken)
    {
        if (services.GetService<ChatAgent>() is not { } agent)
            return TypedResults.Problem(NotConfigured, statusCode: StatusCodes.Status503ServiceUnavailable, title: "No chat model");
        if (string.IsNullOrWhiteSpace(request.Message) || request.Message.Length > MessageMaxLength)
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["message"] = [$"The message must be 1-{MessageMaxLength} characters."],
            });

        var userId = user.UserId();
        IReadOnlyList<ChatTurn> history = [];
        if (request.ConversationId is { } id)
        {
            if (await conversations.FindAsync(userId, id, cancellationToken) is not { } existing) return ConversationNotFound(id);
            history = existing.Messages;
        }
        var conversationId = request.ConversationId ?? Conversations.NewId();

        var asked = new ChatTurn(ChatTurn.User, request.Message, [], clock.GetUtcNow());
        AgentReply reply;
        try
        {
            reply = await agent.ReplyAsync(userId, history, request.Message, cancellationToken);
        }
        catch (Exception exception) when (exception is HttpRequestException or System.ClientModel.ClientResultException)
        {
            logger.LogWarning(exception, "The chat model did not answer.");
            return TypedResults.Problem("The chat model did not answer; try again shortly.", statusCode: StatusCodes.Status502BadGateway);
        }
        var answered = new ChatTurn(ChatTurn.Assistant, reply.Text, reply.ToolCalls, clock.GetUtcNow());

        var saved = await conversations.AppendAsync(userId, conversationId, create: request.ConversationId is null, [asked, answered], cancellationToken);
        return saved is null
            ? ConversationNotFound(conversationId)
            : TypedResults.Ok(new SendMessageResponse(conversationId, reply.Text, reply.ToolCalls));
    }

    private static async Task<Results<Ok<Conversation>, NotFound<ProblemDetails>>> GetAsync(
        string conversationId, ClaimsPrincipal user, Conversations conversations, CancellationToken cancellationToken) =>
        await conversations.FindAsync(user.UserId(), conversationId, cancellationToken) is { } conversation
            ? TypedResults.Ok(conversation)
            : ConversationNotFound(conversationId);

    private static NotFound<ProblemDetails> ConversationNotFound(string conversationId) => NotFoundProblem.YouHaveNo("conversation", conversationId);
}
