namespace TaskFlow.Api.Tasks;

public enum TaskPriority { Low, Medium, High }

public enum TaskItemStatus { Pending, InProgress, Completed }

/// <summary>A task as stored; the wire shape is <see cref="TaskResponse"/>.</summary>
public sealed class TaskItem
{
    public int Id { get; set; }
    public required string UserId { get; init; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public TaskPriority Priority { get; set; } = TaskPriority.Medium;
    public string? Category { get; set; }
    public DateOnly? DueDate { get; set; }
    public TaskItemStatus Status { get; set; } = TaskItemStatus.Pending;
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    /// <summary>Postgres xmin: a concurrent edit makes SaveChanges fail instead of silently overwriting.</summary>
    public uint Version { get; set; }
}

public static class TaskLimits
{
    public const int TitleMaxLength = 200;
    public const int DescriptionMaxLength = 4000;
    public const int CategoryMaxLength = 50;
}
