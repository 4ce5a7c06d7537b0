using System.ComponentModel;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TaskFlow.Api.QuickAdd;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Api.Chat;

public sealed record SendMessageRequest(
    [property: Description("Continue this conversation; leave out to start a new one.")] string? ConversationId,
    [property: Description("What the user says, 1-4000 characters.")] string? Message,
    [property: Description("The user's IANA time zone (Europe/Berlin): what \"tomorrow at 9am\" means; default UTC.")] string? TimeZone = null);

public sealed record SendMessageResponse(string ConversationId, string Response, IReadOnlyList<ToolCallRecord> ToolCalls);

/// <summary>
/// <c>/api/chat</c>: talk to the task assistant (the chat model when one is configured, else the built-in one);
/// conversations live in the state store, not in this process.
/// </summary>
public static class ChatEndpoints
{
    public const int MessageMaxLength = 4000;

    public static RouteGroupBuilder MapChatEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSignedInGroup("/api/chat", "Chat");
        group.MapPost("/", PostAsync)
            .WithName("Chat")
            .WithSummary("Send a message to the task assistant")
            .WithDescription("The assistant may call the same tools as the MCP server, as you. Without a chat model configured, the built-in "
                + "assistant handles everyday requests (add, what is due, complete, delete, reschedule).")
            .ProducesProblem(StatusCodes.Status502BadGateway);
        group.MapPost("/stream", StreamAsync)
            .WithName("ChatStream")
            .WithSummary("Send a message and receive the answer as it arrives (server-sent events)")
            .WithDescription("Events: tool (a tool call, with what it did in summary), text (the next piece of the answer, in delta), "
                + "done (the whole answer, as POST /api/chat returns it) or error (the model did not answer; nothing was stored).")
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream");
        group.MapGet("/", ListAsync)
            .WithName("ListConversations")
            .WithSummary("Your conversations, newest first");
        group.MapGet("/{conversationId}", GetAsync)
            .WithName("GetConversation")
            .WithSummary("A conversation's messages, oldest first");
        return group;
    }

    private static async Task<Results<Ok<SendMessageResponse>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> PostAsync(
        SendMessageRequest request, HttpContext http, ChatExchange exchange, CancellationToken cancellationToken)
    {
        if (await exchange.StartAsync(request, http, cancellationToken) is not { } started)
            return exchange.Invalid is { } invalid ? invalid : exchange.Missing!;
        var answer = new ChatExchange.Answer();
        try
        {
            await foreach (var update in started.Updates) answer.Add(update);
        }
        catch (Exception exception) when (ChatExchange.IsModelFailure(exception))
        {
            exchange.LogModelFailure(exception);
            return TypedResults.Problem(ChatExchange.ModelFailed, statusCode: StatusCodes.Status502BadGateway);
        }
        var reply = answer.Reply(started.ConversationId);
        return await exchange.SaveAsync(started, reply, cancellationToken) ? TypedResults.Ok(reply) : ConversationNotFound(started.ConversationId);
    }

    private static async Task<Results<ServerSentEventsResult<JsonNode>, NotFound<ProblemDetails>, ValidationProblem, ProblemHttpResult>> StreamAsync(
        SendMessageRequest request, HttpContext http, ChatExchange exchange, CancellationToken cancellationToken)
    {
        if (await exchange.StartAsync(request, http, cancellationToken) is not { } started)
            return exchange.Invalid is { } invalid ? invalid : exchange.Missing!;
        return TypedResults.ServerSentEvents(Events(started, exchange, cancellationToken));
    }

    /// <summary>The answer as events; the exchange is stored once the answer is whole.</summary>
    private static async IAsyncEnumerable<SseItem<JsonNode>> Events(ChatExchange.Started started, ChatExchange exchange, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var answer = new ChatExchange.Answer();
        await using var updates = started.Updates.GetAsyncEnumerator(cancellationToken);
        while (true)
        {
            var failed = false;
            try
            {
                if (!await updates.MoveNextAsync()) break;
            }
            catch (Exception exception) when (ChatExchange.IsModelFailure(exception))
            {
                exchange.LogModelFailure(exception);
                failed = true;
            }
            if (failed)
            {
                yield return new SseItem<JsonNode>(new JsonObject { ["detail"] = ChatExchange.ModelFailed }, "error");
                yield break;
            }
            answer.Add(updates.Current);
            switch (updates.Current)
            {
                case AssistantUpdate.Text(var delta):
                    yield return new SseItem<JsonNode>(new JsonObject { ["delta"] = delta }, "text");
                    break;
                case AssistantUpdate.ToolCalled(var call):
                    yield return new SseItem<JsonNode>(JsonSerializer.SerializeToNode(call, EventJson.Options)!, "tool");
                    break;
            }
        }
        var reply = answer.Reply(started.ConversationId);
        // The client has the answer already; a conversation deleted meanwhile is the one thing that stops it being kept.
        await exchange.SaveAsync(started, reply, CancellationToken.None);
        yield return new SseItem<JsonNode>(JsonSerializer.SerializeToNode(reply, EventJson.Options)!, "done");
    }

    private static async Task<Ok<IReadOnlyList<ConversationSummary>>> ListAsync(ClaimsPrincipal user, Conversations conversations, CancellationToken cancellationToken) =>
        TypedResults.Ok(await conversations.ListAsync(user.UserId(), cancellationToken));

    private static async Task<Results<Ok<Conversation>, NotFound<ProblemDetails>>> GetAsync(
        string conversationId, ClaimsPrincipal user, Conversations conversations, CancellationToken cancellationToken) =>
        await conversations.FindAsync(user.UserId(), conversationId, cancellationToken) is { } conversation
            ? TypedResults.Ok(conversation)
            : ConversationNotFound(conversationId);

    internal static NotFound<ProblemDetails> ConversationNotFound(string conversationId) => NotFoundProblem.YouHaveNo("conversation", conversationId);
}

/// <summary>One message to the assistant: checked, its conversation loaded, answered, and stored with the answer.</summary>
public sealed class ChatExchange(IAssistant assistant, Conversations conversations, TimeProvider clock, ILogger<ChatExchange> logger)
{
    public const string ModelFailed = "The chat model did not answer; try again shortly.";

    /// <summary>The answer as it arrives: its text so far and the tools it called.</summary>
    public sealed class Answer
    {
        private readonly System.Text.StringBuilder _text = new();
        private readonly List<ToolCallRecord> _calls = [];

        public void Add(AssistantUpdate update)
        {
            if (update is AssistantUpdate.Text(var delta)) _text.Append(delta);
            else if (update is AssistantUpdate.ToolCalled(var call)) _calls.Add(call);
        }

        public SendMessageResponse Reply(string conversationId) => new(conversationId, _text.ToString(), _calls);
    }

    public sealed record Started(string UserId, string ConversationId, bool IsNew, ChatTurn Asked, IAsyncEnumerable<AssistantUpdate> Updates);

    /// <summary>Why <see cref="StartAsync"/> returned null: a 400 naming the field ...</summary>
    public ValidationProblem? Invalid { get; private set; }

    /// <summary>... or a 404 for a conversation the user does not have.</summary>
    public NotFound<ProblemDetails>? Missing { get; private set; }

    public async Task<Started?> StartAsync(SendMessageRequest request, HttpContext http, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(request.Message) || request.Message.Length > ChatEndpoints.MessageMaxLength)
            errors["message"] = [$"The message must be 1-{ChatEndpoints.MessageMaxLength} characters."];
        if (request.TimeZone is { } zone && !TaskTime.IsKnownTimeZone(zone))
            errors["time_zone"] = [TaskTime.UnknownZoneProblem];
        if (errors.Count > 0)
        {
            Invalid = TypedResults.ValidationProblem(errors);
            return null;
        }

        var userId = http.User.UserId();
        IReadOnlyList<ChatTurn> history = [];
        if (request.ConversationId is { } id)
        {
            if (await conversations.FindAsync(userId, id, cancellationToken) is not { } existing)
            {
                Missing = ChatEndpoints.ConversationNotFound(id);
                return null;
            }
            history = existing.Messages;
        }
        var context = new AssistantContext(request.TimeZone ?? TaskTime.DefaultTimeZone, QuickAddRequest.DateOrderOf(http.Request.Headers.AcceptLanguage));
        return new Started(userId, request.ConversationId ?? Conversations.NewId(), request.ConversationId is null,
            new ChatTurn(ChatTurn.User, request.Message!, [], clock.GetUtcNow()),
            assistant.ReplyAsync(userId, history, request.Message!, context, cancellationToken));
    }

    /// <summary>Stores the question and its answer; false when the conversation is no longer the user's to add to.</summary>
    public async Task<bool> SaveAsync(Started started, SendMessageResponse reply, CancellationToken cancellationToken)
    {
        var answered = new ChatTurn(ChatTurn.Assistant, reply.Response, reply.ToolCalls, clock.GetUtcNow());
        return await conversations.AppendAsync(started.UserId, started.ConversationId, started.IsNew, [started.Asked, answered], cancellationToken) is not null;
    }

    public static bool IsModelFailure(Exception exception) => exception is HttpRequestException or System.ClientModel.ClientResultException;

    public void LogModelFailure(Exception exception) => logger.LogWarning(exception, "The chat model did not answer.");
}
