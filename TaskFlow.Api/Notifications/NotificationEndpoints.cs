using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging.Webhooks;
using TaskFlow.ServiceDefaults.WorkersApi;

namespace TaskFlow.Api.Notifications;

/// <summary>Body of a snooze: remind again after some minutes, or at a given time. Checked by the framework's validation.</summary>
public sealed record SnoozeRequest(
    [property: Description("1-10080 (a week).")]
    [Range(1, 10080, ErrorMessage = "The minutes must be a whole number from 1 to 10080.")]
    int? Minutes = null,
    [property: Description("Date-time with offset, in the future within a year (instead of minutes).")]
    string? Until = null) : IValidatableObject
{
    public IEnumerable<ValidationResult> Validate(ValidationContext context)
    {
        if (Minutes is not null) yield break;
        if (Until is null) yield return new ValidationResult("Give minutes (or until).", [nameof(Minutes)]);
        else if (!TryParseUntil(context.GetRequiredService<TimeProvider>().GetUtcNow(), out _))
            yield return new ValidationResult("The until must be a future date-time with an offset, within a year.", [nameof(Until)]);
    }

    /// <summary>How long to wait from <paramref name="now"/>: the minutes, else until then (a valid request has one).</summary>
    public TimeSpan DelayFrom(DateTimeOffset now) =>
        Minutes is { } minutes ? TimeSpan.FromMinutes(minutes) : TryParseUntil(now, out var at) ? at - now : TimeSpan.Zero;

    private bool TryParseUntil(DateTimeOffset now, out DateTimeOffset at) =>
        TaskInput.TryParseInstant(Until ?? "", out at) && at > now && at < now.AddYears(1);
}

/// <summary>Body of PUT /api/me/webhook. The framework checks its shape; the address policy checks the URL's destination.</summary>
public sealed record WebhookRequest(
    [property: Description("Absolute http or https URL notifications are POSTed to.")]
    [Required(ErrorMessage = "Give the url: an absolute http or https URL.")]
    string Url,
    [property: Description("16-256 characters; signs each POST (X-TaskFlow-Signature: sha256=HMAC of \"{X-TaskFlow-Timestamp}.{body}\").")]
    [Required(ErrorMessage = "Give the secret: 16-256 characters.")]
    [StringLength(256, MinimumLength = 16, ErrorMessage = "The secret must be a string of 16-256 characters.")]
    [StorableText]
    string Secret);

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
            .WithSummary("Remind again later: moves the task's reminder (remind_at) and marks this notification read");

        group.MapGet("/me/webhook", async Task<Results<Ok<WebhookView>, NotFound<ProblemDetails>>> (
                HttpContext http, WorkersClient workers, CancellationToken ct) =>
            await workers.GetWebhookAsync(http.User.UserId(), ct) is { } webhook
                ? TypedResults.Ok(webhook)
                : NotFoundProblem.Of("No webhook", "You have not set a webhook."))
            .WithName("GetWebhook").WithSummary("Your webhook (the secret is never shown)");

        group.MapPut("/me/webhook", PutWebhookAsync)
            .WithName("SetWebhook").WithSummary("Have notifications POSTed, signed, to your URL");

        group.MapDelete("/me/webhook", async Task<NoContent> (HttpContext http, WorkersClient workers, CancellationToken ct) =>
            {
                await workers.DeleteWebhookAsync(http.User.UserId(), ct);
                return TypedResults.NoContent();
            })
            .WithName("DeleteWebhook").WithSummary("Stop webhook deliveries");
        return group;
    }

    private static async Task<Results<Ok<NotificationView>, NotFound<ProblemDetails>, ValidationProblem>> SnoozeAsync(
        Guid notificationId, [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] SnoozeRequest? request,
        HttpContext http, WorkersClient workers, TaskService tasks, TimeProvider clock, CancellationToken ct)
    {
        if (request is null) return JsonBodies.Missing("""{"minutes": 10} or {"until": "2026-12-01T09:00:00+01:00"}""");

        var userId = http.User.UserId();
        var notification = await workers.GetAsync(userId, notificationId, ct);
        if (notification is null) return NotificationNotFound(notificationId);
        if (await tasks.SnoozeAsync(userId, notification.TaskId, request.DelayFrom(clock.GetUtcNow()), ct) is not TaskChange.Done)
            return NotFoundProblem.Of("Task not found", $"Task {notification.TaskId} of this notification no longer exists.");
        return TypedResults.Ok((await workers.MarkReadAsync(userId, notificationId, ct))!);
    }

    private static async Task<Results<Ok<WebhookView>, ValidationProblem>> PutWebhookAsync(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] WebhookRequest? request,
        HttpContext http, WorkersClient workers, WebhookAddressPolicy addresses, CancellationToken ct)
    {
        if (request is null) return JsonBodies.Missing("""{"url": "https://...", "secret": "..."}""");
        // Where the URL leads needs a DNS lookup: asked here, after the framework has checked the body's shape.
        var (url, problem) = await addresses.CheckAsync(request.Url, ct);
        if (problem is not null) return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["url"] = [problem] });
        return TypedResults.Ok(await workers.PutWebhookAsync(http.User.UserId(), url!, request.Secret, ct));
    }

    private static NotFound<ProblemDetails> NotificationNotFound(Guid notificationId) => NotFoundProblem.YouHaveNo("notification", notificationId);
}
