using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace TaskFlow.Api.Updates;

/// <summary>
/// How a browser's EventSource (which cannot send an Authorization header) signs in to <c>GET /api/updates</c>:
/// a bearer-authenticated <c>POST /api/updates/session</c> sets an HttpOnly, SameSite=Strict cookie scoped to
/// <c>/api/updates</c>. Unlike a token in the query string it never lands in access logs or traces, and it stays
/// valid across EventSource's own reconnects (which resend the same URL, so a single-use URL ticket would fail them).
/// It holds a data-protected user id that expires with the access token, and is good for nothing but this stream;
/// the keys are in the database, so every replica accepts it.
/// </summary>
public static class UpdatesCookie
{
    public const string Scheme = "UpdatesCookie";
    public const string Name = "taskflow_updates";
    public const string Path = "/api/updates";
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private const string Purpose = "TaskFlow.Api.Updates.Cookie";

    public static void Issue(HttpContext http, string userId)
    {
        var protector = Protector(http.RequestServices);
        http.Response.Cookies.Append(Name, protector.Protect(userId, Lifetime), Options(http));
    }

    public static void Clear(HttpContext http) => http.Response.Cookies.Delete(Name, Options(http));

    private static CookieOptions Options(HttpContext http) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = Path,
        MaxAge = Lifetime,
        IsEssential = true,
    };

    private static ITimeLimitedDataProtector Protector(IServiceProvider services) =>
        services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).ToTimeLimitedDataProtector();

    /// <summary>
    /// The stream's sign-in: a bearer token, or the cookie, or both when they name the same user. A bearer token of one
    /// user with another's cookie is refused (401) rather than streaming either user's events.
    /// </summary>
    public sealed class Handler(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
        {
            var bearer = await Context.AuthenticateAsync(IdentityConstants.BearerScheme);
            var cookie = AuthenticateCookie();
            if (bearer.Succeeded && cookie.Succeeded && bearer.Principal.UserId() != cookie.Principal!.UserId())
                return AuthenticateResult.Fail("The bearer token and the live-updates cookie belong to different users.");
            return bearer.Succeeded ? AuthenticateResult.Success(new AuthenticationTicket(bearer.Principal, Scheme.Name)) : cookie;
        }

        /// <summary>The user named by the cookie; no cookie means no opinion.</summary>
        private AuthenticateResult AuthenticateCookie()
        {
            if (!Request.Cookies.TryGetValue(Name, out var value)) return AuthenticateResult.NoResult();
            string userId;
            try
            {
                userId = Protector(Context.RequestServices).Unprotect(value);
            }
            catch (CryptographicException)
            {
                return AuthenticateResult.Fail("The live-updates cookie is expired or invalid.");
            }
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, userId)], UpdatesCookie.Scheme);
            return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), UpdatesCookie.Scheme));
        }
    }
}
