using System.Data.Common;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Text Postgres refuses to store, above all the NUL character (\u0000, legal in JSON, refused by every Postgres text
/// column), is the client's mistake, not the server's: 400 naming it instead of a 500. Endpoints that read text check
/// it themselves and name the field; this catches what reaches the database anyway (the Identity endpoints, say).
/// </summary>
public sealed class UnstorableTextHandler(IProblemDetailsService problems) : IExceptionHandler
{
    /// <summary>character_not_in_repertoire (a NUL) and untranslatable_character.</summary>
    private static readonly string[] SqlStates = ["22021", "22P05"];

    private const string Message = "The request contains text the database cannot store: the NUL character (\\u0000) is not allowed in any text.";

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
        {
            if (cause is not DbException { SqlState: { } state } || !SqlStates.Contains(state)) continue;

            http.Response.StatusCode = StatusCodes.Status400BadRequest;
            return await problems.TryWriteAsync(new ProblemDetailsContext
            {
                HttpContext = http,
                Exception = exception,
                ProblemDetails = new ProblemDetails { Status = StatusCodes.Status400BadRequest, Title = "Text that cannot be stored", Detail = Message },
            });
        }
        return false;
    }
}
