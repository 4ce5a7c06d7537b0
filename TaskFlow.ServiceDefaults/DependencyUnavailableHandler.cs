using System.Data.Common;
using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// A request that failed because the database could not be reached (stopped, restarting, a broken connection) is a
/// 503 with Retry-After, not a 500: nothing was stored, and the same request will work once it is back. The services
/// do not retry such a request themselves: the client learns at once instead of waiting out a retry schedule.
/// </summary>
public sealed class DependencyUnavailableHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (!IsUnavailable(exception)) return false;
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = RetryAfter.TotalSeconds.ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Temporarily unavailable",
                Detail = $"The database cannot be reached right now; nothing was changed. Try again in {RetryAfter.TotalSeconds:0} seconds.",
            },
        });
    }

    /// <summary>A transient database error (the driver's own verdict: connection refused, broken, timed out, shutting down).</summary>
    private static bool IsUnavailable(Exception exception)
    {
        for (var cause = exception; cause is not null; cause = cause.InnerException)
            if (cause is DbException { IsTransient: true }) return true;
        return false;
    }
}
