using Microsoft.Extensions.Configuration;

namespace TaskFlow.Messaging.Dapr;

/// <summary>
/// Where this service's Dapr sidecar listens and what it calls things. The AppHost injects
/// <c>DAPR_HTTP_PORT</c>; 3500 is the seed's sidecar port, used when nothing says otherwise.
/// The component names are the ones in <c>dapr/components</c>.
/// </summary>
public static class DaprSidecar
{
    public const string HttpPortSetting = "DAPR_HTTP_PORT";
    public const int DefaultHttpPort = 3500;
    public const string PubSubName = "pubsub-kafka";
    public const string StateStoreName = "statestore";
    public const string SecretStoreName = "local-secret-store";

    /// <summary>
    /// The secret store's component name, when it is not <see cref="SecretStoreName"/> (the local file store): on
    /// Kubernetes, for example, Dapr's built-in store is called "kubernetes".
    /// </summary>
    public const string SecretStoreSetting = "Dapr:SecretStore";

    /// <summary>The name of the <see cref="HttpClient"/> that talks to the sidecar.</summary>
    public const string HttpClientName = "dapr";

    /// <summary>Header the sidecar sends on every call to the app when it runs with <c>APP_API_TOKEN</c>.</summary>
    public const string ApiTokenHeader = "dapr-api-token";

    public static string SecretStore(IConfiguration configuration) => configuration[SecretStoreSetting] ?? SecretStoreName;

    public static Uri HttpAddress(IConfiguration configuration) =>
        new($"http://localhost:{configuration[HttpPortSetting] ?? DefaultHttpPort.ToString(System.Globalization.CultureInfo.InvariantCulture)}");
}
