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

    /// <summary>How long a consumer waits for data before the broker answers; small because the dev broker never wakes a waiting fetch.</summary>
    public int FetchWaitMaxMs { get; set; } = 10;
}
