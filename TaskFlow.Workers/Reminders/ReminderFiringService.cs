using System.Globalization;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Publishing;
using TaskFlow.Workers.Data;
using TaskFlow.Workers.Telemetry;

namespace TaskFlow.Workers.Reminders;

/// <summary>
/// Fires due reminders: claims them from the Redis schedule (atomically, so replicas never share one), checks each
/// against the database, publishes <c>reminder.due</c> on <c>reminders</c> and records it as fired. It also rebuilds
/// the schedule from the database when Redis lost it, and re-queues reminders a crashed instance had claimed but
/// not fired.
/// </summary>
public sealed partial class ReminderFiringService(
    IServiceScopeFactory scopes,
    ReminderSchedule schedule,
    IEventPublisher publisher,
    TimeProvider clock,
    ILogger<ReminderFiringService> logger) : BackgroundService
{
    private const int BatchSize = 200;
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    /// <summary>How often to check that Redis still has the schedule (an EXISTS): a lost schedule is rebuilt within this.</summary>
    private static readonly TimeSpan ScheduleCheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan RequeueInterval = TimeSpan.FromSeconds(15);
    /// <summary>A claimed reminder still unfired after this long was lost by a crashed instance.</summary>
    private static readonly TimeSpan ClaimGrace = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextScheduleCheck = DateTimeOffset.MinValue;
        var nextRequeue = DateTimeOffset.MinValue;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (clock.GetUtcNow() >= nextScheduleCheck)
                {
                    if (!await schedule.IsBuiltAsync()) await ReconcileAsync(rebuild: true, stoppingToken);
                    nextScheduleCheck = clock.GetUtcNow() + ScheduleCheckInterval;
                }
                if (clock.GetUtcNow() >= nextRequeue)
                {
                    await ReconcileAsync(rebuild: false, stoppingToken);
                    nextRequeue = clock.GetUtcNow() + RequeueInterval;
                }
                var claimed = await schedule.ClaimDueAsync(clock.GetUtcNow(), BatchSize);
                if (claimed.Count > 0)
                {
                    await FireAsync(claimed, stoppingToken);
                    continue;
                }
            }
            catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
            {
                LogLoopFailed(logger, exception);
                await Task.Delay(TimeSpan.FromSeconds(1), clock, stoppingToken);
            }
            await Task.Delay(PollInterval, clock, stoppingToken);
        }
    }

    private async Task FireAsync(IReadOnlyList<(int TaskId, DateTimeOffset FireAt)> claimed, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkersDbContext>();
        var ids = claimed.Select(c => c.TaskId).ToList();
        var reminders = await db.Reminders.Where(r => ids.Contains(r.TaskId)).ToListAsync(cancellationToken);

        var now = clock.GetUtcNow();
        var firing = new List<(ScheduledReminder Reminder, Task Publish)>();
        foreach (var reminder in reminders.Where(r => r.IsPending))
        {
            if (reminder.RemindAt > now)
            {
                // Moved later after this entry was scheduled: it belongs back in the schedule, at its new time.
                await schedule.PutAsync(reminder.TaskId, reminder.RemindAt.Value);
                continue;
            }
            var remindAt = reminder.RemindAt!.Value;
            var envelope = EventEnvelope.Create(ReminderEventTypes.EventIdFor(reminder.TaskId, remindAt), ReminderEventTypes.Due,
                new ReminderDueData(reminder.TaskId, reminder.Recipient, reminder.Title, reminder.DueAt, remindAt, now), clock);
            var message = new OutgoingMessage(Topics.Reminders, reminder.TaskId.ToString(CultureInfo.InvariantCulture),
                envelope.EventId, envelope.EventType, EventJson.SerializeToUtf8Bytes(envelope));
            firing.Add((reminder, publisher.PublishAsync(message, cancellationToken)));
        }

        foreach (var (reminder, publish) in firing)
        {
            try
            {
                await publish;
                reminder.FiredRemindAt = reminder.RemindAt;
                WorkersMetrics.ReminderLateness.Record((clock.GetUtcNow() - reminder.RemindAt!.Value).TotalSeconds);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // Back into the schedule: it fires on the next pass (same event id, so no double notification).
                LogPublishFailed(logger, exception, reminder.TaskId);
                await schedule.PutAsync(reminder.TaskId, reminder.RemindAt!.Value);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        if (firing.Count > 0) LogFired(logger, firing.Count);
    }

    /// <summary>
    /// Puts every pending reminder from the database into Redis: all of them when Redis lost the schedule, else
    /// those due long enough ago that their claimer must have died before firing them.
    /// </summary>
    private async Task ReconcileAsync(bool rebuild, CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<WorkersDbContext>();
        var lostBefore = clock.GetUtcNow() - ClaimGrace;
        var pending = await db.Reminders
            .Where(r => r.RemindAt != null && !r.IsCompleted && (r.FiredRemindAt == null || r.FiredRemindAt != r.RemindAt))
            .Where(r => rebuild || r.RemindAt < lostBefore)
            .Select(r => new { r.TaskId, RemindAt = r.RemindAt!.Value })
            .ToListAsync(cancellationToken);
        foreach (var reminder in pending) await schedule.PutAsync(reminder.TaskId, reminder.RemindAt);
        if (rebuild)
        {
            await schedule.MarkBuiltAsync();
            LogRebuilt(logger, pending.Count);
        }
        else if (pending.Count > 0)
        {
            LogRequeued(logger, pending.Count);
        }
    }

    [LoggerMessage(LogLevel.Information, "Fired {Count} reminders.")]
    private static partial void LogFired(ILogger logger, int count);

    [LoggerMessage(LogLevel.Information, "Rebuilt the reminder schedule in Redis from the database: {Count} pending reminders.")]
    private static partial void LogRebuilt(ILogger logger, int count);

    [LoggerMessage(LogLevel.Warning, "Re-queued {Count} reminders that were claimed but never fired (an instance stopped mid-way).")]
    private static partial void LogRequeued(ILogger logger, int count);

    [LoggerMessage(LogLevel.Warning, "Could not publish the reminder of task {TaskId}; it stays scheduled.")]
    private static partial void LogPublishFailed(ILogger logger, Exception exception, int taskId);

    [LoggerMessage(LogLevel.Error, "The reminder loop failed; retrying.")]
    private static partial void LogLoopFailed(ILogger logger, Exception exception);
}
