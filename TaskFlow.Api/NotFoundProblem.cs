using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace TaskFlow.Api;

/// <summary>
/// The one shape of a 404: what was not found and a sentence about it. Another user's data answers exactly as data
/// that does not exist ("You have no task 7"), so a 404 never tells whether something belongs to someone else.
/// </summary>
public static class NotFoundProblem
{
    public static NotFound<ProblemDetails> Of(string title, string detail) =>
        TypedResults.NotFound(new ProblemDetails { Title = title, Detail = detail, Status = StatusCodes.Status404NotFound });

    /// <summary>"You have no {what} {id}.", titled "{What} not found".</summary>
    public static NotFound<ProblemDetails> YouHaveNo(string what, object id) =>
        Of($"{char.ToUpperInvariant(what[0])}{what[1..]} not found", $"You have no {what} {id}.");
}
