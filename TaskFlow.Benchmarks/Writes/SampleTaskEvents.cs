using TaskFlow.Messaging.Events;

namespace TaskFlow.Benchmarks.Writes;

/// <summary>
/// <c>task.created</c> envelopes as the Api writes them (the real envelope and data records, serialized by
/// <see cref="EventJson"/>), for the modes that feed the relay or the audit consumer without going through the Api.
/// </summary>
public static class SampleTaskEvents
{
    public static EventEnvelope<TaskCreatedData> Created(int taskId, string userId) =>
        EventEnvelope.Create(TaskEventTypes.Created, new TaskCreatedData(
            TaskId: taskId,
            UserId: userId,
            Title: $"Benchmark task {taskId}",
            // A sentence or two, as people write them: it brings the envelope to the ~600 bytes of a typical task.
            Description: "Collect the quarterly numbers from the team leads, check them against last quarter's report and send the summary before the review meeting.",
            Priority: TaskEventPriority.Medium,
            Category: "work",
            DueDate: DateOnly.FromDateTime(DateTime.UtcNow).AddDays(7),
            Status: TaskEventStatus.Pending,
            Tags: ["bench", "writes"],
            DueAt: null,
            TimeZone: "UTC",
            RemindAt: null,
            RemindBefore: null,
            Recurrence: null,
            SeriesId: null,
            Occurrence: null), TimeProvider.System);

    public static byte[] Serialize(EventEnvelope<TaskCreatedData> envelope) => EventJson.SerializeToUtf8Bytes(envelope);
}
