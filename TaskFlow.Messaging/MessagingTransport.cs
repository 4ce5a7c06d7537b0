using Microsoft.Extensions.Configuration;

namespace TaskFlow.Messaging;

/// <summary>
/// <c>Messaging:Transport</c>: <c>kafka</c> (default; Confluent.Kafka straight to the broker) or <c>dapr</c>
/// (publish and subscribe through the Dapr sidecar's <c>pubsub-kafka</c> component on the same broker).
/// </summary>
public static class MessagingTransport
{
    public const string Setting = "Messaging:Transport";
    public const string Kafka = "kafka";
    public const string Dapr = "dapr";

    public static bool IsDapr(IConfiguration configuration) =>
        configuration[Setting]?.Trim().ToLowerInvariant() switch
        {
            null or "" or Kafka => false,
            Dapr => true,
            var other => throw new InvalidOperationException($"{Setting} must be {Kafka} or {Dapr}, not '{other}'."),
        };
}
