using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TaskFlow.Api.Lists;
using TaskFlow.Messaging;
using TaskFlow.Messaging.LiveFeed;

namespace TaskFlow.Api.Updates;

/// <summary><c>GET /api/updates</c>: the signed-in user's <c>task-updates</c> as Server-Sent Events.</summary>
public static class UpdateEndpoints
{
    public const string StreamPolicy = "updates-stream";
    private static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(15);

    /// <summary>Live updates for this service: the feed of each user's and list's updates, and the stream's two ways to sign in.</summary>
    public static IHostApplicationBuilder AddLiveUpdates(this IHostApplicationBuilder builder)
    {
        builder.AddLiveFeed();
        builder.Services.AddOptions<StreamLimitOptions>().BindConfiguration(StreamLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<StreamLimits>();
        builder.Services.AddAuthentication().AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, UpdatesCookie.Handler>(UpdatesCookie.Scheme, null);
        builder.Services.AddAuthorizationBuilder().AddPolicy(StreamPolicy, policy => policy
            .AddAuthenticationSchemes(UpdatesCookie.Scheme)
            .RequireAuthenticatedUser());
        return builder;
    }

    public static RouteGroupBuilder MapUpdateEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup(UpdatesCookie.Path)
            .WithTags("Live updates")
            .RequireRateLimiting(RateLimits.PerUserPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);

        group.MapGet("/", StreamAsync)
            .RequireAuthorization(StreamPolicy)
            .WithName("StreamUpdates")
            .WithSummary("The changes of your lists' tasks, your lists and your notifications, live (Server-Sent Events)")
            .WithDescription("""
                Each event's data is an envelope from task-updates (task.changed, task.removed, list.changed, list.member_joined,
                list.member_removed, list.deleted, list.invitation_created, notification.created, ...): those of your lists
                (a list.member_removed naming you is the last of that list's), and your own;
                its id is a position: send it back as Last-Event-ID to receive what you missed, or get a `resync` event
                (reload everything) when that is older than the topic's retention. `ready` says the stream is live.
                A comment line arrives every 15 s. Sign in with a bearer token, or with the cookie from POST /api/updates/session.
                One account holds at most LiveUpdates:MaxStreamsPerUser streams (20) on an instance, which holds at most
                LiveUpdates:MaxStreams; past either, a 429 with Retry-After.
                """)
            .Produces(StatusCodes.Status200OK, contentType: "text/event-stream")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        group.MapPost("/session", (HttpContext http, ClaimsPrincipal user) =>
            {
                UpdatesCookie.Issue(http, user.UserId());
                return TypedResults.NoContent();
            })
            .RequireAuthorization()
            .WithName("StartUpdatesSession")
            .WithSummary("Set the cookie a browser's EventSource signs in to GET /api/updates with");
        group.MapDelete("/session", (HttpContext http) =>
            {
                UpdatesCookie.Clear(http);
                return TypedResults.NoContent();
            })
            .AllowAnonymous()
            .WithName("EndUpdatesSession")
            .WithSummary("Remove that cookie (on sign-out)");
        return group;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> StreamAsync(
        HttpContext http, ClaimsPrincipal user, ILiveFeed feed, IServiceScopeFactory scopes, StreamLimits limits, IHostApplicationLifetime lifetime,
        [FromHeader(Name = "Last-Event-ID")] string? lastEventId)
    {
        var userId = user.UserId();
        using var lease = limits.TryOpen(userId, out var refusal, out var retryAfter);
        if (lease is null)
        {
            http.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(System.Globalization.CultureInfo.InvariantCulture);
            return TypedResults.Problem(refusal, statusCode: StatusCodes.Status429TooManyRequests, title: "Too many live-update streams");
        }
        // Open streams must not hold up a shutdown.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted, lifetime.ApplicationStopping);
        var cancellationToken = stopping.Token;

        try
        {
            // Read before subscribing: the feed brings them up to date with the membership changes it applies meanwhile.
            // In a scope of their own: the request's scope lives as long as the stream, and a database context held
            // for each of thousands of open streams was a good part of the Api's memory.
            List<int> listIds;
            await using (var scope = scopes.CreateAsyncScope())
            {
                var access = scope.ServiceProvider.GetRequiredService<ListAccess>();
                await access.InboxIdAsync(userId, cancellationToken);
                listIds = await access.ListIdsAsync(userId, cancellationToken);
            }
            using var subscription = await feed.SubscribeAsync(userId, listIds, cancellationToken);
            if (subscription is null)
            {
                http.Response.Headers.RetryAfter = "5";
                return TypedResults.Problem("This server is not reading live updates yet (the message broker has not answered); try again shortly.",
                    statusCode: StatusCodes.Status503ServiceUnavailable, title: "Live updates unavailable");
            }

            http.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
            http.Response.ContentType = "text/event-stream";
            http.Response.Headers.CacheControl = "no-cache, no-transform";
            http.Response.Headers["X-Accel-Buffering"] = "no";
            var position = subscription.Start;
            if (lastEventId is not null)
            {
                var replayed = feed.TryParsePosition(lastEventId, out var from)
                    ? await feed.ReplayAsync(userId, listIds, from, subscription.Start, cancellationToken)
                    : null;
                if (replayed is null)
                {
                    await WriteAsync(http, position, "resync", """{"reason":"Updates since your last event are no longer available; reload."}""", cancellationToken);
                }
                else
                {
                    foreach (var update in replayed.Missed) await WriteAsync(http, update.After, null, update.Envelope, cancellationToken);
                    // The replay may have read past this feed's start, and a client that another replica served may be
                    // ahead of it: live updates resume after both, never going back.
                    position = replayed.End.Max(subscription.Start);
                }
            }
            await WriteAsync(http, position, "ready", "{}", cancellationToken);

            var next = subscription.Updates.WaitToReadAsync(cancellationToken).AsTask();
            // One timer at a time: a new delay per update would leave a 15 s timer behind for each one.
            var heartbeat = Task.Delay(HeartbeatInterval, cancellationToken);
            while (true)
            {
                if (await Task.WhenAny(next, heartbeat) == heartbeat)
                {
                    await heartbeat;
                    await http.Response.WriteAsync(": heartbeat\n\n", cancellationToken);
                    await http.Response.Body.FlushAsync(cancellationToken);
                    heartbeat = Task.Delay(HeartbeatInterval, cancellationToken);
                    continue;
                }
                // False: this connection fell behind and was cut off; the client resumes from its last id.
                if (!await next) break;
                while (subscription.Updates.TryRead(out var update))
                {
                    // Already accounted for: the replay, or the client's own position, went past it.
                    if (position.Includes(update)) continue;
                    position = position.Max(update.After);
                    await WriteAsync(http, position, null, update.Envelope, cancellationToken);
                }
                next = subscription.Updates.WaitToReadAsync(cancellationToken).AsTask();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        return TypedResults.Empty;
    }

    /// <summary>One SSE event; a payload spanning lines becomes one <c>data:</c> line each, as the format requires.</summary>
    private static async Task WriteAsync(HttpContext http, FeedPosition id, string? eventType, string data, CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        text.Append("id: ").Append(id).Append('\n');
        if (eventType is not null) text.Append("event: ").Append(eventType).Append('\n');
        foreach (var line in data.Split('\n')) text.Append("data: ").Append(line.TrimEnd('\r')).Append('\n');
        text.Append('\n');
        await http.Response.WriteAsync(text.ToString(), cancellationToken);
        await http.Response.Body.FlushAsync(cancellationToken);
    }
}
