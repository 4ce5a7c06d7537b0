using System.Data.Common;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Exceptions that are the client's mistake, not the server's, answered as such (a 4xx naming the problem) instead
/// of a 500. Endpoints check what they read and name the field; these are what gets past them.
/// </summary>
public sealed class ClientErrorHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>Postgres' character_not_in_repertoire (a NUL) and untranslatable_character.</summary>
    private static readonly string[] UnstorableTextStates = ["22021", "22P05"];

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (Describe(http, exception) is not { } problem) return false;

        http.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = http, Exception = exception, ProblemDetails = problem });
    }

    private static ProblemDetails? Describe(HttpContext http, Exception exception)
    {
        // A request the framework could not bind (a query value of the wrong type, a body that is not the JSON
        // expected): its own sentence names the parameter, e.g. Failed to bind parameter "Nullable<bool> unread"
        // from "maybe".
        // A body bound to a record whose JSON does not fit it: named like a validation error, by the JSON path of the
        // value that did not fit ("minutes" for {"minutes": "ten"}; "body" for [] or broken JSON), as the endpoint's
        // own checks name theirs.
        if (exception is BadHttpRequestException { InnerException: JsonException unreadable })
            return Unreadable(FieldOf(unreadable.Path));
        if (exception is BadHttpRequestException bad)
            return new ProblemDetails { Status = bad.StatusCode, Title = "Bad request", Detail = bad.Message };

        // A JSON body a library read itself and found of the wrong shape (the MCP server reading JSON-RPC params:
        // "protocolVersion": 123). Its message names the path, e.g. "... Path: $.params.protocolVersion".
        if (exception is JsonException json && http.Request.HasJsonContentType())
            return new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Bad request", Detail = "The JSON body does not have the expected shape: " + json.Message };

        // Text Postgres refuses to store, above all the NUL character (\u0000, legal in JSON, refused by every
        // Postgres text column), that reached the database anyway (the Identity endpoints, say).
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is DbException { SqlState: { } state } && UnstorableTextStates.Contains(state))
                return new ProblemDetails
                {
                    Status = StatusCodes.Status400BadRequest,
                    Title = "Text that cannot be stored",
                    Detail = "The request contains text the database cannot store: the NUL character (\\u0000) is not allowed in any text.",
                };
        }
        return null;
    }

    /// <summary>"$.minutes" is minutes, "$.a.b" a.b; the whole body ("$", or no path: not JSON at all) is body.</summary>
    private static string FieldOf(string? path) => path is null or "$" || !path.StartsWith("$.", StringComparison.Ordinal) ? "body" : path[2..];

    private static HttpValidationProblemDetails Unreadable(string field) => new(new Dictionary<string, string[]>
    {
        [field] = [field == "body"
            ? "The body is not the JSON object this endpoint reads (its request schema is in the OpenAPI document)."
            : $"The {field} has the wrong JSON type or format, or text that cannot be decoded (its request schema is in the OpenAPI document)."],
    })
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "One or more validation errors occurred.",
    };
}
