using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using TaskFlow.Messaging;
using TaskFlow.Messaging.DeadLetters;

namespace TaskFlow.Workers.DeadLetters;

/// <summary>
/// Internal endpoints (internal key) over the dead letters, for operators' tools such as the Aspire dashboard's
/// commands on the workers resource. Whoever acts names themselves in <see cref="OperatorHeader"/>.
/// </summary>
public static class DeadLetterEndpoints
{
    public const string OperatorHeader = "X-TaskFlow-Operator";

    public static RouteGroupBuilder MapDeadLetterEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/internal/dead-letters").WithTags("Internal").RequireInternalApiKey();
        group.MapGet("/", ListAsync);
        group.MapGet("/{topic}/{partition:int}/{offset:long}", ShowAsync);
        group.MapPost("/{topic}/{partition:int}/{offset:long}/redrive", (string topic, int partition, long offset, [FromHeader(Name = OperatorHeader)] string? @operator, DeadLetterOperations operations, CancellationToken cancellationToken) =>
            ActOnOneAsync(topic, partition, offset, @operator, operations.RedriveAsync, cancellationToken));
        group.MapPost("/{topic}/{partition:int}/{offset:long}/purge", (string topic, int partition, long offset, [FromHeader(Name = OperatorHeader)] string? @operator, DeadLetterOperations operations, CancellationToken cancellationToken) =>
            ActOnOneAsync(topic, partition, offset, @operator, operations.PurgeAsync, cancellationToken));
        group.MapPost("/redrive", ([FromQuery] string? topic, [FromHeader(Name = OperatorHeader)] string? @operator, DeadLetterOperations operations, CancellationToken cancellationToken) =>
            ActOnAllAsync(topic, @operator, operations.RedriveAsync, cancellationToken));
        group.MapPost("/purge", ([FromQuery] string? topic, [FromHeader(Name = OperatorHeader)] string? @operator, DeadLetterOperations operations, CancellationToken cancellationToken) =>
            ActOnAllAsync(topic, @operator, operations.PurgeAsync, cancellationToken));
        return group;
    }

    private static async Task<Results<Ok<IReadOnlyList<DeadLetterView>>, ProblemHttpResult>> ListAsync(
        [FromQuery] string? topic, [FromQuery] bool? all, DeadLetterOperations operations, CancellationToken cancellationToken)
    {
        TopicDefinition? definition = null;
        if (topic is not null && !DeadLetterSelection.TryFindTopic(topic, out definition, out var problem)) return BadRequest(problem);
        return TypedResults.Ok(await operations.ListAsync(definition, all ?? false, cancellationToken));
    }

    private static async Task<Results<Ok<DeadLetterView>, ProblemHttpResult>> ShowAsync(
        string topic, int partition, long offset, DeadLetterOperations operations, CancellationToken cancellationToken)
    {
        if (!TryFindId(topic, partition, offset, out var id, out var problem)) return BadRequest(problem);
        return await operations.ShowAsync(id, cancellationToken) is { } view
            ? TypedResults.Ok(view)
            : TypedResults.Problem($"{id} is not on {id.Topic}.", statusCode: StatusCodes.Status404NotFound);
    }

    private static async Task<Results<Ok<IReadOnlyList<DeadLetterActionResult>>, ProblemHttpResult>> ActOnOneAsync(
        string topic, int partition, long offset, string? @operator,
        Func<DeadLetterSelection, string, CancellationToken, Task<IReadOnlyList<DeadLetterActionResult>>> act, CancellationToken cancellationToken)
    {
        if (!TryFindId(topic, partition, offset, out var id, out var problem)) return BadRequest(problem);
        if (!DeadLetterOperator.TryValidate(@operator, out problem)) return BadRequest($"{OperatorHeader}: {problem}");
        var results = await act(DeadLetterSelection.One(id), @operator!, cancellationToken);
        return results is [{ Outcome: DeadLetterOutcome.NotFound } notFound]
            ? TypedResults.Problem(notFound.Detail, statusCode: StatusCodes.Status404NotFound)
            : TypedResults.Ok(results);
    }

    private static async Task<Results<Ok<IReadOnlyList<DeadLetterActionResult>>, ProblemHttpResult>> ActOnAllAsync(
        string? topic, string? @operator,
        Func<DeadLetterSelection, string, CancellationToken, Task<IReadOnlyList<DeadLetterActionResult>>> act, CancellationToken cancellationToken)
    {
        if (topic is null) return BadRequest("Name the topic whose parked letters to act on (?topic=task-events): acting on every topic at once is not offered.");
        if (!DeadLetterSelection.TryFindTopic(topic, out var definition, out var problem)) return BadRequest(problem);
        if (!DeadLetterOperator.TryValidate(@operator, out problem)) return BadRequest($"{OperatorHeader}: {problem}");
        return TypedResults.Ok(await act(DeadLetterSelection.AllParkedOn(definition), @operator!, cancellationToken));
    }

    private static bool TryFindId(string topic, int partition, long offset, out DeadLetterId id, out string problem)
    {
        id = default;
        if (!DeadLetterSelection.TryFindTopic(topic, out var definition, out problem)) return false;
        if (partition < 0 || offset < 0)
        {
            problem = "Partition and offset are never negative.";
            return false;
        }
        id = new DeadLetterId(definition.DeadLetterName, partition, offset);
        return true;
    }

    private static ProblemHttpResult BadRequest(string detail) => TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest);
}
