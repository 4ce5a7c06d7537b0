namespace TaskFlow.Workers.Recurring;

/// <summary>What the service knows of a task that belongs to a series (kept from task-events).</summary>
public sealed class RecurringTask
{
    public required int TaskId { get; init; }
    public required string UserId { get; init; }
    public required Guid SeriesId { get; set; }
    public required int Occurrence { get; set; }
    public bool Repeats { get; set; }
}
