using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;

namespace TaskFlow.Api;

/// <summary>Per-user limits (bound from <c>RateLimiting</c>): one client cannot starve the others.</summary>
public sealed class RateLimitOptions
{
    public const string Section = "RateLimiting";

    [Range(1, 1_000_000)]
    public int PermitsPerWindow { get; set; } = 300;

    [Range(1, 3600)]
    public int WindowSeconds { get; set; } = 10;
}

public static class RateLimits
{
    public const string PerUserPolicy = "per-user";

    /// <summary>
    /// A fixed window per signed-in user (per client address when anonymous). A refused request is a 429
    /// ProblemDetails with Retry-After in seconds.
    /// </summary>
    public static IHostApplicationBuilder AddPerUserRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(PerUserPolicy, context =>
            {
                var options = context.RequestServices.GetRequiredService<IOptions<RateLimitOptions>>().Value;
                var partition = context.User.FindFirstValue(ClaimTypes.NameIdentifier)
                    ?? "address:" + context.Connection.RemoteIpAddress;
                return RateLimitPartition.GetFixedWindowLimiter(partition, _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = options.PermitsPerWindow,
                    Window = TimeSpan.FromSeconds(options.WindowSeconds),
                    QueueLimit = 0,
                });
            });
            limiter.OnRejected = async (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                context.HttpContext.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.HttpContext.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await TypedResults.Problem($"Too many requests; try again in {seconds} s.",
                        statusCode: StatusCodes.Status429TooManyRequests, title: "Rate limit reached")
                    .ExecuteAsync(context.HttpContext);
            };
        });
        return builder;
    }
}
