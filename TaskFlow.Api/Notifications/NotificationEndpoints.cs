using System.ComponentModel;
using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging.Contracts;
using TaskFlow.Messaging.Webhooks;

namespace TaskFlow.Api.Notifications;

/// <summary>Body of a snooze: remind again after some minutes, or at a given time.</summary>
public sealed record SnoozeRequest(
    [property: Description("1-10080 (a week).")] int? Minutes,
    [property: Description("Date-time with offset, in the future (instead of minutes).")] DateTimeOffset? Until);

/// <summary>Body of PUT /api/me/webhook.</summary>
public sealed record WebhookRequest(
    [property: Description("Absolute http or https URL notifications are POSTed to.")] string Url,
    [property: Description("16-256 characters; signs each POST (X-TaskFlow-Signature: sha256=HMAC of \"{X-TaskFlow-Timestamp}.{body}\").")] string Secret);

/// <summary>The signed-in user's notifications and webhook; the Workers' NotificationService keeps them.</summary>
public static class NotificationEndpoints
{
    public static RouteGroupBuilder MapNotificationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSignedInGroup("/api", "Notifications")
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable)
            .AddEndpointFilter(async (context, next) =>
            {
                try
                {
                    return await next(context);
                }
                catch (Exception exception) when (WorkersCalls.IsUnavailable(exception))
                {
                    context.HttpContext.RequestServices.GetRequiredService<ILogger<WorkersClient>>()
                        .LogWarning(exception, "The Workers' notification service did not answer.");
                    return TypedResults.Problem("Notifications are unavailable right now; try again shortly.",
                        statusCode: StatusCodes.Status503ServiceUnavailable);
                }
            });

        group.MapGet("/notifications", async Task<Results<Ok<List<NotificationView>>, ValidationProblem>> (
                [Description("true: only unread; false: only read.")] bool? unread,
                [Description("1-200; default 50.")] int? limit,
                HttpContext http, WorkersClient workers, CancellationToken ct) =>
            limit is < 1 or > 200
                ? TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["limit"] = ["The limit must be from 1 to 200."] })
                : TypedResults.Ok(await workers.ListAsync(http.User.UserId(), unread, limit ?? 50, ct)))
            .WithName("ListNotifications").WithSummary("Your notifications, newest first");

        group.MapPost("/notifications/{notificationId:guid}/read", async Task<Results<Ok<NotificationView>, NotFound<ProblemDetails>>> (
                Guid notificationId, HttpContext http, WorkersClient workers, CancellationToken ct) =>
            await workers.MarkReadAsync(http.User.UserId(), notificationId, ct) is { } read ? TypedResults.Ok(read) : NotificationNotFound(notificationId))
            .WithName("ReadNotification").WithSummary("Mark a notification read");

        group.MapPost("/notifications/{notificationId:guid}/snooze", SnoozeAsync)
            .WithName("SnoozeNotification")
            .WithSummary("Remind again later: moves the task's reminder (remind_at) and marks this notification read")
            .Accepts<SnoozeRequest>("application/json");

        group.MapGet("/me/webhook", async Task<Results<Ok<WebhookView>, NotFound<ProblemDetails>>> (
                HttpContext http, WorkersClient workers, CancellationToken ct) =>
            await workers.GetWebhookAsync(http.User.UserId(), ct) is { } webhook
                ? TypedResults.Ok(webhook)
                : NotFoundProblem.Of("No webhook", "You have not set a webhook."))
            .WithName("GetWebhook").WithSummary("Your webhook (the secret is never shown)");

        group.MapPut("/me/webhook", PutWebhookAsync)
            .WithName("SetWebhook").WithSummary("Have notifications POSTed, signed, to your URL")
            .Accepts<WebhookRequest>("application/json");

        group.MapDelete("/me/webhook", async Task<NoContent> (HttpContext http, WorkersClient workers, CancellationToken ct) =>
            {
                await workers.DeleteWebhookAsync(http.User.UserId(), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteWebhook").WithSummary("Stop webhook deliveries");
        return group;
    }

    private static async Task<Results<Ok<NotificationView>, NotFound<ProblemDetails>, ValidationProblem>> SnoozeAsync(
        Guid notificationId, HttpContext http, WorkersClient workers, TaskService tasks, TimeProvider clock, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var body = await JsonBodies.ReadObjectAsync(http.Request, "{\"minutes\": 10} or {\"until\": \"2026-12-01T09:00:00+01:00\"}", errors, ct);
        TimeSpan? delay = null;
        if (body is { } json)
        {
            if (json.TryGetProperty("minutes", out var minutes))
            {
                if (minutes.ValueKind == JsonValueKind.Number && minutes.TryGetInt32(out var m) && m is >= 1 and <= 10080) delay = TimeSpan.FromMinutes(m);
                else errors["minutes"] = ["The minutes must be a whole number from 1 to 10080."];
            }
            else if (json.TryGetProperty("until", out var until))
            {
                var now = clock.GetUtcNow();
                if (until.ValueKind == JsonValueKind.String && TaskInput.TryParseInstant(until.GetString()!, out var at) && at > now && at < now.AddYears(1))
                    delay = at - now;
                else errors["until"] = ["The until must be a future date-time with an offset, within a year."];
            }
            else errors["minutes"] = ["Give minutes (or until)."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);

        var userId = http.User.UserId();
        var notification = await workers.GetAsync(userId, notificationId, ct);
        if (notification is null) return NotificationNotFound(notificationId);
        var snoozed = await tasks.SnoozeAsync(userId, notification.TaskId, delay!.Value, ct);
        if (snoozed.Outcome != TaskOutcome.Ok)
            return NotFoundProblem.Of("Task not found", $"Task {notification.TaskId} of this notification no longer exists.");
        return TypedResults.Ok((await workers.MarkReadAsync(userId, notificationId, ct))!);
    }

    private static async Task<Results<Ok<WebhookView>, ValidationProblem>> PutWebhookAsync(
        HttpContext http, WorkersClient workers, WebhookAddressPolicy addresses, CancellationToken ct)
    {
        var errors = new Dictionary<string, string[]>();
        var body = await JsonBodies.ReadObjectAsync(http.Request, "{\"url\": \"https://...\", \"secret\": \"...\"}", errors, ct);
        Uri? url = null;
        string? secret = null;
        if (body is not null)
        {
            if (body.Value.TryGetProperty("url", out var u) && u.ValueKind == JsonValueKind.String)
            {
                (url, var problem) = await addresses.CheckAsync(u.GetString()!, ct);
                if (problem is not null) errors["url"] = [problem];
            }
            else errors["url"] = ["Give the url: an absolute http or https URL."];
            if (body.Value.TryGetProperty("secret", out var s) && s.ValueKind == JsonValueKind.String && s.GetString()!.Length is >= 16 and <= 256
                && StorableText.Problem("secret", s.GetString()!) is null)
                secret = s.GetString();
            else errors["secret"] = ["The secret must be a string of 16-256 characters (and no NUL character or lone UTF-16 surrogate)."];
        }
        if (errors.Count > 0) return TypedResults.ValidationProblem(errors);
        return TypedResults.Ok(await workers.PutWebhookAsync(http.User.UserId(), url!, secret!, ct));
    }

    private static NotFound<ProblemDetails> NotificationNotFound(Guid notificationId) => NotFoundProblem.YouHaveNo("notification", notificationId);
}
