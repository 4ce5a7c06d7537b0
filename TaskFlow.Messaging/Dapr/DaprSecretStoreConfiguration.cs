using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace TaskFlow.Messaging.Dapr;

public static class DaprSecretStoreConfigurationExtensions
{
    /// <summary>
    /// Adds every secret of the sidecar's secret store as configuration (a secret "Chat:ApiKey" becomes the setting
    /// Chat:ApiKey), read once at start through <c>GET /v1.0/secrets/{store}/bulk</c>.
    /// </summary>
    public static IConfigurationBuilder AddDaprSecretStore(this IConfigurationBuilder builder, Uri sidecar,
        string store = DaprSidecar.SecretStoreName, TimeSpan? waitForSidecar = null) =>
        builder.Add(new DaprSecretStoreConfigurationSource(sidecar, store, waitForSidecar ?? TimeSpan.FromSeconds(30)));
}

internal sealed class DaprSecretStoreConfigurationSource(Uri sidecar, string store, TimeSpan waitForSidecar) : IConfigurationSource
{
    public IConfigurationProvider Build(IConfigurationBuilder builder) => new DaprSecretStoreConfigurationProvider(sidecar, store, waitForSidecar);
}

/// <summary>
/// The sidecar starts next to the service, so the first calls may be refused: they are retried until
/// <c>waitForSidecar</c> has passed, then the service fails to start with a sentence saying why.
/// </summary>
internal sealed class DaprSecretStoreConfigurationProvider(Uri sidecar, string store, TimeSpan waitForSidecar) : ConfigurationProvider
{
    public override void Load()
    {
        using var http = new HttpClient { BaseAddress = sidecar, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + waitForSidecar;
        while (true)
        {
            try
            {
                // Configuration loads synchronously; this runs once, at start.
                var secrets = http.GetFromJsonAsync<Dictionary<string, Dictionary<string, string>>>($"/v1.0/secrets/{store}/bulk")
                    .GetAwaiter().GetResult() ?? [];
                Data = secrets.SelectMany(secret => secret.Value)
                    .ToDictionary(pair => pair.Key, pair => (string?)pair.Value, StringComparer.OrdinalIgnoreCase);
                return;
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException && DateTime.UtcNow < deadline)
            {
                Thread.Sleep(TimeSpan.FromMilliseconds(500));
            }
            catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or JsonException)
            {
                throw new InvalidOperationException(
                    $"The Dapr secret store '{store}' at {sidecar} gave no secrets within {waitForSidecar.TotalSeconds:0} s: {exception.Message}", exception);
            }
        }
    }
}
