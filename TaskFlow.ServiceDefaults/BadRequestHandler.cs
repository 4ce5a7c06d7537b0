using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A request the framework could not bind (a query value of the wrong type, a body that is not the JSON expected) is
/// answered with its status and the framework's own sentence, which names the parameter, e.g. <c>Failed to bind
/// parameter "Nullable&lt;bool&gt; unread" from "maybe".</c>, instead of a bare "Bad Request".
/// </summary>
public sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;

        http.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails { Status = bad.StatusCode, Title = "Bad request", Detail = bad.Message },
        });
    }
}
