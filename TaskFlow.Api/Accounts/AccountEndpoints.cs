using System.ComponentModel;
using System.ComponentModel.DataAnnotations;
using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.BearerToken;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using TaskFlow.Api.Data;
using FromBodyAttribute = Microsoft.AspNetCore.Mvc.FromBodyAttribute;

namespace TaskFlow.Api.Accounts;

/// <summary>Body of register and login, checked by the framework's validation (Identity then judges the address and password).</summary>
public sealed record Credentials(
    [property: Description("An e-mail address, at most 256 characters; it is the user name.")]
    [TextField(AccountEndpoints.MaxEmailLength)] string Email,
    [property: Description("At least 6 characters with a digit, a lower and an upper case letter and a symbol; at most 256.")]
    [TextField(AccountEndpoints.MaxPasswordLength)] string Password);

/// <summary>The signed-in user.</summary>
public sealed record MeResponse(string UserId, string? Email);

/// <summary>Body of refresh.</summary>
public sealed record RefreshRequest(
    [property: Description("The refresh token from login or the last refresh.")]
    [TextField(AccountEndpoints.MaxRefreshTokenLength)] string RefreshToken);

/// <summary>
/// The accounts TaskFlow supports: register, sign in for a bearer token, and trade a refresh token for new tokens.
/// (Identity's full endpoint set also offered e-mail confirmation, password reset and two-factor sign-in, which answered
/// as if they worked although TaskFlow sends no e-mail and has no second factor.) A refresh token works once: each
/// refresh returns the next one of its sign-in's chain, and a token presented again revokes the whole chain.
/// </summary>
public static class AccountEndpoints
{
    public const int MaxEmailLength = 256;
    public const int MaxPasswordLength = 256;
    /// <summary>Far above a real one (about 1 KB); only bounds the work a made-up one causes.</summary>
    public const int MaxRefreshTokenLength = 16_384;

    private const string FamilyItem = "taskflow.refresh_family";
    private const string TokenItem = "taskflow.refresh_token";
    private static readonly EmailAddressAttribute EmailFormat = new();

    public static RouteGroupBuilder MapAccountEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/auth").WithTags("Auth");
        group.MapPost("/register", RegisterAsync)
            .WithName("Register").WithSummary("Create an account (the e-mail address is the user name)");
        group.MapPost("/login", LoginAsync)
            .WithName("Login").WithSummary("Sign in: a bearer token (an hour) and a refresh token (14 days, good once)")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        routes.MapSignedInGroup("/api", "Auth").MapGet("/me", (ClaimsPrincipal user) => TypedResults.Ok(new MeResponse(user.UserId(), user.Identity?.Name)))
            .WithName("Me").WithSummary("Who you are signed in as: your user id (how lists name their members) and e-mail address");
        group.MapPost("/refresh", RefreshAsync)
            .WithName("Refresh").WithSummary("Trade a refresh token for a new bearer token and the next refresh token")
            .ProducesProblem(StatusCodes.Status401Unauthorized);
        return group;
    }

    private static async Task<Results<Ok, ValidationProblem>> RegisterAsync(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] Credentials? credentials, UserManager<IdentityUser> users)
    {
        if (credentials is null) return JsonBodies.Missing(CredentialsExample);
        if (!EmailFormat.IsValid(credentials.Email))
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = ["The email must be an e-mail address."] });

        IdentityResult result;
        try
        {
            result = await users.CreateAsync(new IdentityUser { UserName = credentials.Email, Email = credentials.Email }, credentials.Password);
        }
        catch (DbUpdateException exception) when (exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation })
        {
            // The same address registered twice at once: the second insert meets the first's unique key.
            result = IdentityResult.Failed(users.ErrorDescriber.DuplicateUserName(credentials.Email));
        }
        if (result.Succeeded) return TypedResults.Ok();
        return TypedResults.ValidationProblem(result.Errors
            .GroupBy(error => error.Code.StartsWith("Password", StringComparison.Ordinal) ? "password" : "email")
            .ToDictionary(field => field.Key, field => field.Select(error => error.Description).ToArray()));
    }

    private static async Task<Results<Ok<AccessTokenResponse>, ValidationProblem, ProblemHttpResult>> LoginAsync(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] Credentials? credentials,
        SignInManager<IdentityUser> signIn, ApiDbContext db, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider clock, CancellationToken ct)
    {
        if (credentials is null) return JsonBodies.Missing(CredentialsExample);

        var user = await signIn.UserManager.FindByNameAsync(credentials.Email);
        var result = user is null ? SignInResult.Failed : await signIn.CheckPasswordSignInAsync(user, credentials.Password, lockoutOnFailure: true);
        if (!result.Succeeded)
            return TypedResults.Problem(result.IsLockedOut ? "Too many failed sign-ins: this account is locked for a few minutes." : "Wrong e-mail address or password.",
                statusCode: StatusCodes.Status401Unauthorized, title: "Sign-in failed");

        var options = bearer.Get(IdentityConstants.BearerScheme);
        var now = clock.GetUtcNow();
        var family = new RefreshTokenFamily
        {
            Id = Guid.CreateVersion7(), UserId = user!.Id, CurrentTokenId = Guid.CreateVersion7(), CreatedAt = now,
            ExpiresAt = now + options.RefreshTokenExpiration,
        };
        db.RefreshTokenFamilies.Add(family);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(Tokens(options, await signIn.CreateUserPrincipalAsync(user), family, now));
    }

    private static async Task<Results<Ok<AccessTokenResponse>, ValidationProblem, ProblemHttpResult>> RefreshAsync(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] RefreshRequest? request,
        SignInManager<IdentityUser> signIn, ApiDbContext db, IOptionsMonitor<BearerTokenOptions> bearer, TimeProvider clock, CancellationToken ct)
    {
        if (request is null) return JsonBodies.Missing("""{"refresh_token": "..."}""");
        var token = request.RefreshToken;

        var options = bearer.Get(IdentityConstants.BearerScheme);
        var now = clock.GetUtcNow();
        var ticket = options.RefreshTokenProtector.Unprotect(token);
        if (ticket?.Properties.ExpiresUtc is not { } expires || now >= expires
            || !Guid.TryParse(ticket.Properties.GetString(FamilyItem), out var familyId)
            || !Guid.TryParse(ticket.Properties.GetString(TokenItem), out var tokenId))
            return Refused("This refresh token is invalid or expired. Sign in again.");
        // A changed password (security stamp) ends every sign-in.
        if (await signIn.ValidateSecurityStampAsync(ticket.Principal) is not { } user)
            return Refused("This sign-in has ended. Sign in again.");

        // Rotation in one statement: only the chain's current token moves it on, and only once.
        var nextTokenId = Guid.CreateVersion7();
        var expiresAt = now + options.RefreshTokenExpiration;
        var rotated = await db.RefreshTokenFamilies
            .Where(f => f.Id == familyId && f.UserId == user.Id && f.CurrentTokenId == tokenId && f.RevokedAt == null && f.ExpiresAt > now)
            .ExecuteUpdateAsync(f => f.SetProperty(x => x.CurrentTokenId, nextTokenId).SetProperty(x => x.ExpiresAt, expiresAt), ct);
        if (rotated == 0)
        {
            await db.RefreshTokenFamilies.Where(f => f.Id == familyId && f.RevokedAt == null)
                .ExecuteUpdateAsync(f => f.SetProperty(x => x.RevokedAt, now), ct);
            return Refused("This refresh token was already used, so every token of its sign-in is now revoked. Sign in again.");
        }
        var family = new RefreshTokenFamily { Id = familyId, UserId = user.Id, CurrentTokenId = nextTokenId, ExpiresAt = expiresAt };
        return TypedResults.Ok(Tokens(options, await signIn.CreateUserPrincipalAsync(user), family, now));
    }

    /// <summary>The bearer token (what the bearer scheme accepts) and the family's current refresh token.</summary>
    private static AccessTokenResponse Tokens(BearerTokenOptions options, ClaimsPrincipal principal, RefreshTokenFamily family, DateTimeOffset now)
    {
        var access = new AuthenticationProperties { ExpiresUtc = now + options.BearerTokenExpiration };
        var refresh = new AuthenticationProperties(new Dictionary<string, string?>
        {
            [FamilyItem] = family.Id.ToString(),
            [TokenItem] = family.CurrentTokenId.ToString(),
        })
        { ExpiresUtc = family.ExpiresAt };
        return new AccessTokenResponse
        {
            AccessToken = options.BearerTokenProtector.Protect(new AuthenticationTicket(principal, access, $"{IdentityConstants.BearerScheme}:AccessToken")),
            ExpiresIn = (long)options.BearerTokenExpiration.TotalSeconds,
            RefreshToken = options.RefreshTokenProtector.Protect(new AuthenticationTicket(principal, refresh, $"{IdentityConstants.BearerScheme}:RefreshToken")),
        };
    }

    private static ProblemHttpResult Refused(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status401Unauthorized, title: "Refresh refused");

    private const string CredentialsExample = """{"email": "...", "password": "..."}""";
}
