using System.Security.Claims;

namespace TaskFlow.Api;

public static class ClaimsPrincipalExtensions
{
    /// <summary>The signed-in user's id, which scopes every read and write of user data.</summary>
    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier)
        ?? throw new InvalidOperationException("An authenticated request carries no user id.");
}
