using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace TaskFlow.Api.Tasks;

/// <summary>Recurring series: what users see of them, and the internal call that continues one.</summary>
public static class SeriesEndpoints
{
    public static RouteGroupBuilder MapSeriesEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapSignedInGroup("/api/series", "Tasks");

        group.MapGet("/{seriesId:guid}", async Task<Results<Ok<SeriesResponse>, NotFound<ProblemDetails>>> (
                Guid seriesId, ClaimsPrincipal user, TaskService tasks, CancellationToken ct) =>
            await tasks.SeriesAsync(user.UserId(), seriesId, ct) is { } series ? TypedResults.Ok(series) : SeriesNotFound(seriesId))
            .WithName("GetSeries").WithSummary("The occurrences of a recurring task, with due and completion times");

        group.MapDelete("/{seriesId:guid}/recurrence", async Task<Results<NoContent, NotFound<ProblemDetails>>> (
                Guid seriesId, ClaimsPrincipal user, TaskService tasks, CancellationToken ct) =>
            await tasks.StopSeriesAsync(user.UserId(), seriesId, ct) ? TypedResults.NoContent() : SeriesNotFound(seriesId))
            .WithName("StopSeries").WithSummary("Stop a series from repeating (its tasks stay)");
        return group;
    }

    /// <summary>
    /// Called by the Workers' RecurringTaskService (internal key) when an occurrence is completed; the acting user
    /// travels as data. Answers 201 with the next task, 200 when nothing follows (no longer recurring, series ended),
    /// 404 when the task is gone.
    /// </summary>
    public static RouteGroupBuilder MapInternalTaskEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/internal/tasks").WithTags("Internal").RequireInternalApiKey().ExcludeFromDescription();
        group.MapPost("/{taskId:int}/next-occurrence", async Task<Results<Created<TaskResponse>, Ok, NotFound, BadRequest<string>>> (
            int taskId, [FromQuery(Name = "user_id")] string? userId, [FromHeader(Name = TaskEndpoints.IdempotencyKeyHeader)] string? idempotencyKey,
            TaskService tasks, CancellationToken ct) =>
        {
            if (string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(idempotencyKey)) return TypedResults.BadRequest("user_id and an Idempotency-Key are required.");
            var result = await tasks.CreateNextOccurrenceAsync(userId, taskId, idempotencyKey, ct);
            return result.Outcome switch
            {
                TaskOutcome.Created or TaskOutcome.Replayed when result.Task is { } next => TypedResults.Created($"/api/tasks/{next.Id}", next.ToResponse()),
                TaskOutcome.NotFound => TypedResults.NotFound(),
                _ => TypedResults.Ok(),
            };
        });
        return group;
    }

    private static NotFound<ProblemDetails> SeriesNotFound(Guid seriesId) =>
        TypedResults.NotFound(new ProblemDetails { Title = "Series not found", Detail = $"You have no series {seriesId}.", Status = 404 });
}
