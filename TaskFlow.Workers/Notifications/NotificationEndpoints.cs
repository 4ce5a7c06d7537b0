using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TaskFlow.ServiceDefaults.WorkersApi;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Notifications;

/// <summary>
/// Internal endpoints (service-to-service, internal key) over notifications and webhook settings; the Api checks
/// the caller and passes the user id as data.
/// </summary>
public static class NotificationEndpoints
{
    public static RouteGroupBuilder MapNotificationEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/internal/users/{userId}").WithTags("Internal").RequireInternalApiKey();

        group.MapGet("/notifications", async Task<Ok<List<NotificationView>>> (string userId, bool? unread, int? limit, WorkersDbContext db, CancellationToken ct) =>
        {
            var query = db.Notifications.AsNoTracking().Where(n => n.UserId == userId);
            if (unread is true) query = query.Where(n => n.ReadAt == null);
            if (unread is false) query = query.Where(n => n.ReadAt != null);
            var page = await query.OrderByDescending(n => n.CreatedAt).ThenByDescending(n => n.Id)
                .Take(Math.Clamp(limit ?? 50, 1, 200)).ToListAsync(ct);
            return TypedResults.Ok(page.Select(ToView).ToList());
        });

        group.MapGet("/notifications/{notificationId:guid}", async Task<Results<Ok<NotificationView>, NotFound>> (
            string userId, Guid notificationId, WorkersDbContext db, CancellationToken ct) =>
            await db.Notifications.AsNoTracking().SingleOrDefaultAsync(n => n.Id == notificationId && n.UserId == userId, ct) is { } n
                ? TypedResults.Ok(ToView(n))
                : TypedResults.NotFound());

        group.MapPost("/notifications/{notificationId:guid}/read", async Task<Results<Ok<NotificationView>, NotFound>> (
            string userId, Guid notificationId, WorkersDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var notification = await db.Notifications.SingleOrDefaultAsync(n => n.Id == notificationId && n.UserId == userId, ct);
            if (notification is null) return TypedResults.NotFound();
            notification.ReadAt ??= clock.GetUtcNow();
            await db.SaveChangesAsync(ct);
            return TypedResults.Ok(ToView(notification));
        });

        group.MapGet("/webhook", async Task<Results<Ok<WebhookView>, NotFound>> (string userId, WorkersDbContext db, CancellationToken ct) =>
            await db.Webhooks.AsNoTracking().SingleOrDefaultAsync(w => w.UserId == userId, ct) is { } w
                ? TypedResults.Ok(new WebhookView(w.Url, w.UpdatedAt))
                : TypedResults.NotFound());

        // One statement: two PUTs of one user at once both succeed (the later one wins) instead of one failing on the key.
        group.MapPut("/webhook", async Task<Ok<WebhookView>> (string userId, WebhookSettings request, WorkersDbContext db, TimeProvider clock, CancellationToken ct) =>
        {
            var now = clock.GetUtcNow();
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO webhook_subscriptions (user_id, url, secret, updated_at) VALUES ({userId}, {request.Url}, {request.Secret}, {now})
                ON CONFLICT (user_id) DO UPDATE SET url = excluded.url, secret = excluded.secret, updated_at = excluded.updated_at
                """, ct);
            return TypedResults.Ok(new WebhookView(request.Url, now));
        });

        group.MapDelete("/webhook", async Task<NoContent> (string userId, WorkersDbContext db, CancellationToken ct) =>
        {
            await db.Webhooks.Where(w => w.UserId == userId).ExecuteDeleteAsync(ct);
            return TypedResults.NoContent();
        });
        return group;
    }

    private static NotificationView ToView(Notification n) =>
        new(n.Id, n.TaskId, n.Title, n.Message, n.DueAt, n.RemindAt, n.CreatedAt, n.ReadAt,
            n.DeliveryStatus.ToString().ToLowerInvariant(), n.Attempts, n.LastError);
}
