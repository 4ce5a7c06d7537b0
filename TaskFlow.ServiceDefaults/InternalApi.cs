using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Service-to-service HTTP calls carry a secret the AppHost generates and hands to every service
/// (<c>Internal:ApiKey</c>); the acting user travels as data, never as a borrowed user token.
/// </summary>
public static class InternalApi
{
    public const string KeyHeader = "X-TaskFlow-Internal-Key";
    public const string KeyConfigurationKey = "Internal:ApiKey";

    /// <summary>
    /// Endpoints in this group answer only callers that present the internal key, in <paramref name="header"/>
    /// (a Dapr sidecar given the key as <c>APP_API_TOKEN</c> sends it as <c>dapr-api-token</c>).
    /// </summary>
    public static RouteGroupBuilder RequireInternalApiKey(this RouteGroupBuilder group, string header = KeyHeader)
    {
        group.AddEndpointFilter(async (context, next) =>
        {
            var configured = context.HttpContext.RequestServices.GetRequiredService<IConfiguration>()[KeyConfigurationKey];
            if (string.IsNullOrEmpty(configured))
                return Results.Problem("Internal:ApiKey is not configured on this service.", statusCode: StatusCodes.Status503ServiceUnavailable);

            var presented = context.HttpContext.Request.Headers[header].ToString();
            return CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(configured))
                ? await next(context)
                : Results.Problem($"The {header} header is missing or wrong.", statusCode: StatusCodes.Status401Unauthorized);
        });
        return group;
    }

    /// <summary>Adds the internal key to every request this client sends.</summary>
    public static IHttpClientBuilder AddInternalApiKey(this IHttpClientBuilder builder) =>
        builder.AddHttpMessageHandler(services => new InternalApiKeyHandler(services.GetRequiredService<IConfiguration>()));

    private sealed class InternalApiKeyHandler(IConfiguration configuration) : DelegatingHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var key = configuration[KeyConfigurationKey]
                ?? throw new InvalidOperationException("Internal:ApiKey is not configured; the AppHost passes it as Internal__ApiKey.");
            request.Headers.Add(KeyHeader, key);
            return base.SendAsync(request, cancellationToken);
        }
    }
}
