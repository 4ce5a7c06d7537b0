namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// The headers a Kafka consumer adds when it parks a message on <c>&lt;topic&gt;.dlq</c> (beside the message's own,
/// which stay as they were: event id, type, trace context), and the one a re-drive adds.
/// </summary>
public static class DeadLetterHeaders
{
    public const string Prefix = "dlq_";
    public const string Error = "dlq_error";
    public const string ErrorType = "dlq_error_type";
    public const string SourceTopic = "dlq_source_topic";
    public const string SourcePartition = "dlq_source_partition";
    public const string SourceOffset = "dlq_source_offset";
    public const string ConsumerGroup = "dlq_consumer_group";
    public const string Attempts = "dlq_attempts";

    /// <summary>When the first attempt failed (ISO 8601); the message's own timestamp is when it was parked.</summary>
    public const string FirstFailedAt = "dlq_first_failed_at";

    /// <summary>On a re-driven message: the dead letter it came from, so a second parking shows its history.</summary>
    public const string RedrivenFrom = "dlq_redriven_from";
}
