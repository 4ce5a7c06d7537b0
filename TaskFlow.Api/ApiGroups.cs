namespace TaskFlow.Api;

public static class ApiGroups
{
    /// <summary>A group of endpoints for signed-in users: bearer token required, per-user rate limit, both documented.</summary>
    public static RouteGroupBuilder MapSignedInGroup(this IEndpointRouteBuilder routes, string prefix, string tag) =>
        routes.MapGroup(prefix)
            .WithTags(tag)
            .RequireAuthorization()
            .RequireRateLimiting(RateLimits.PerUserPolicy)
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests);
}
