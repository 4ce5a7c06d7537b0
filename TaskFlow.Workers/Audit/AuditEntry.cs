namespace TaskFlow.Workers.Audit;

/// <summary>One task event exactly as it was published; the table is append-only (a trigger refuses updates and deletes).</summary>
public sealed class AuditEntry
{
    public long Id { get; set; }
    public required Guid EventId { get; init; }
    public required string EventType { get; init; }
    public required int TaskId { get; init; }
    public required string UserId { get; init; }
    /// <summary>The event's own timestamp (when the change happened), not when it was recorded.</summary>
    public required DateTimeOffset OccurredAt { get; init; }
    public required DateTimeOffset RecordedAt { get; init; }
    /// <summary>The envelope's <c>data</c>, verbatim.</summary>
    public required string Data { get; init; }
}
