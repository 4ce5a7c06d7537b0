using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace TaskFlow.Api.Tasks;

/// <summary>Task calls between TaskFlow's own services (the internal API key, never a user's token).</summary>
public static class InternalTaskEndpoints
{
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
            return await tasks.CreateNextOccurrenceAsync(userId, taskId, idempotencyKey, ct) switch
            {
                NextOccurrence.Created(var next) => TypedResults.Created($"/api/tasks/{next.Id}", next.ToResponse()),
                NextOccurrence.TaskNotFound => TypedResults.NotFound(),
                // Nothing (more) to create: the series is over, or an earlier call created this occurrence.
                NextOccurrence.NoneFollows or NextOccurrence.AlreadyCreated => TypedResults.Ok(),
                _ => throw new UnreachableException(),
            };
        });
        return group;
    }
}
