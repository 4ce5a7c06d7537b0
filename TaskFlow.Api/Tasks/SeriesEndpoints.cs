using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace TaskFlow.Api.Tasks;

/// <summary>Recurring series: what users see of them (InternalTaskEndpoints continues one).</summary>
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

    private static NotFound<ProblemDetails> SeriesNotFound(Guid seriesId) => NotFoundProblem.YouHaveNo("series", seriesId);
}
