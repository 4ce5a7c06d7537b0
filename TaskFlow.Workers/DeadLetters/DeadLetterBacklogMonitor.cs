using TaskFlow.Messaging;
using TaskFlow.Workers.Telemetry;

namespace TaskFlow.Workers.DeadLetters;

/// <summary>
/// Counts the dead letters waiting for an operator on each topic every <see cref="Interval"/>, for the
/// <c>taskflow.dead_letters.parked</c> gauge (and the alert on it). Every Workers instance counts the same numbers.
/// </summary>
public sealed partial class DeadLetterBacklogMonitor(IServiceScopeFactory scopes, TimeProvider clock, ILogger<DeadLetterBacklogMonitor> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(30);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            await CountAsync(stoppingToken);
            await Task.Delay(Interval, clock, stoppingToken);
        }
    }

    private async Task CountAsync(CancellationToken stoppingToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var operations = scope.ServiceProvider.GetRequiredService<DeadLetterOperations>();
        foreach (var topic in Topics.Catalog)
        {
            try
            {
                WorkersMetrics.RecordParked(topic.DeadLetterName, await operations.CountParkedAsync(topic, stoppingToken));
            }
            catch (Exception exception) when (exception is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The broker or the database is away: the gauge keeps its last count until they are back.
                LogCountFailed(logger, topic.DeadLetterName, exception.Message);
            }
        }
    }

    [LoggerMessage(LogLevel.Debug, "Could not count the dead letters on {Topic}: {Reason}")]
    private static partial void LogCountFailed(ILogger logger, string topic, string reason);
}
