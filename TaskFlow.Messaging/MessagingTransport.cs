using Microsoft.Extensions.Configuration;

namespace TaskFlow.Messaging;

/// <summary>
/// <c>Messaging:Transport</c>: <c>kafka</c> (default; Confluent.Kafka straight to the broker) or <c>dapr</c> (the Dapr
/// sidecar's <c>pubsub-kafka</c> component on the same broker; both carry the same envelope to the same topics and keys).
/// This is the one list of what the setting covers and what needs Kafka whichever it says (README "Dapr" shows it too;
/// <see cref="MessagingExtensions.AddMessaging"/> registers what every transport needs apart from each one's own):
/// <list type="table">
/// <listheader><term>part</term><description>kafka | dapr</description></listheader>
/// <item><term>publishing (outbox relay, reminder firing)</term>
/// <description>one idempotent Kafka producer | the sidecar, a CloudEvent around the envelope</description></item>
/// <item><term>consuming task-events and reminders</term>
/// <description>Kafka consumer groups | Dapr programmatic subscriptions (<c>MapDaprSubscriptions</c>)</description></item>
/// <item><term>secrets</term><description>configuration | configuration and the sidecar's secret store</description></item>
/// <item><term>chat conversations</term><description>Redis | the sidecar's <c>statestore</c></description></item>
/// <item><term>live-update feed (Api)</term>
/// <description>always Kafka: it reads every partition of <c>task-updates</c> from offsets of its choosing, outside any
/// consumer group, so that each Api replica sees every message and a client resumes where it left off; a Dapr
/// subscription joins a consumer group and starts where the group left off.</description></item>
/// <item><term>topic provisioning and the <c>kafka</c> health check</term>
/// <description>always Kafka: the catalog's partitions and retention are set through Kafka's admin API, which a Dapr
/// pub/sub component does not offer (it leaves topics to the broker's defaults); and the broker stays a dependency of
/// every service behind a sidecar too, which only a metadata request to it shows (the sidecar's health is its own).</description></item>
/// </list>
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
