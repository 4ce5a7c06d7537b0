using System.ComponentModel.DataAnnotations;

namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// Bound from <c>Kafka</c>; the bootstrap list comes from <c>ConnectionStrings:kafka</c>, as Aspire hands it over.
/// </summary>
public sealed class KafkaOptions
{
    public const string Section = "Kafka";

    [Required(ErrorMessage = "ConnectionStrings:kafka (the Kafka bootstrap list) is not set.")]
    public string BootstrapServers { get; set; } = "";

    /// <summary>
    /// True when the broker is the AppHost's in-memory dev broker, which cannot create topics
    /// (it auto-creates them on first use instead).
    /// </summary>
    public bool IsDevBroker { get; set; }

    /// <summary>
    /// The longest a broker holds a consumer's fetch while it has no new data: librdkafka's default, as a real broker
    /// answers a waiting fetch as soon as data arrives. The dev broker never does (it always waits this long), so the
    /// AppHost sets a small value against it (<c>Kafka:FetchWaitMaxMs</c>): each hop then costs at most that much, and
    /// every consumer asks each broker that often while idle.
    /// </summary>
    public int FetchWaitMaxMs { get; set; } = 500;
}
