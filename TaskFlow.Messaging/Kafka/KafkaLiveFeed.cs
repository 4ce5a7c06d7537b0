using System.Diagnostics.CodeAnalysis;
using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using TaskFlow.Messaging.LiveFeed;

namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// The live feed on Kafka: this instance's reader of all of <c>task-updates</c>, every partition assigned by hand,
/// from the end, outside any consumer group, so every Api replica sees every message and hands each to its own
/// connections of that user or of that list's members. It reads the broker directly whatever the transport (<see cref="MessagingTransport"/> says why).
/// </summary>
public sealed partial class KafkaLiveFeed(
    KafkaClientFactory clients, KafkaFeedReplay replay, IHostEnvironment environment, TimeProvider clock, ILogger<KafkaLiveFeed> logger)
    : BackgroundService, ILiveFeed
{
    /// <summary>How long a new connection waits for a feed that is still starting before it is told to come back.</summary>
    public static readonly TimeSpan StartWait = TimeSpan.FromSeconds(10);

    /// <summary>Guards <see cref="_position"/> and <see cref="_connections"/> together (see <see cref="UserConnections"/>).</summary>
    private readonly Lock _gate = new();
    private readonly UserConnections _connections = new();
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private PartitionOffsets _position = new([]);

    public async Task<LiveFeedSubscription?> SubscribeAsync(string userId, IReadOnlyCollection<int> listIds, CancellationToken cancellationToken)
    {
        try
        {
            await _started.Task.WaitAsync(StartWait, clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
        lock (_gate)
        {
            var connection = _connections.Add(userId, listIds);
            return new LiveFeedSubscription(_position, connection.Reader, () =>
            {
                lock (_gate) _connections.Remove(userId, connection);
            });
        }
    }

    public Task<ReplayedUpdates?> ReplayAsync(string userId, IReadOnlyCollection<int> listIds, FeedPosition from, FeedPosition to, CancellationToken cancellationToken) =>
        replay.ReadAsync(userId, listIds, PartitionOffsets.Of(from), PartitionOffsets.Of(to), cancellationToken);

    public bool TryParsePosition(string? text, [NotNullWhen(true)] out FeedPosition? position)
    {
        var parsed = PartitionOffsets.TryParse(text, out var offsets);
        position = offsets;
        return parsed;
    }

    /// <summary>Part of /health: an instance that cannot serve live updates yet is not ready for clients.</summary>
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return Task.FromResult(_started.Task.IsCompleted
                ? HealthCheckResult.Healthy($"Reading task-updates; at {_position}.")
                : HealthCheckResult.Unhealthy("Not reading task-updates yet: waiting for the broker."));
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        OwnThread.Run(() => Read(stoppingToken), stoppingToken);

    private void Read(CancellationToken stoppingToken)
    {
        using var consumer = clients.CreateReader($"{environment.ApplicationName}-updates-{Environment.ProcessId}");
        var start = EndOfTopic(consumer, stoppingToken);
        consumer.Assign(Enumerable.Range(0, start.PartitionCount)
            .Select(p => new TopicPartitionOffset(Topics.TaskUpdates, p, start[p])));
        lock (_gate) _position = start;
        _started.TrySetResult();
        LogStarted(logger, start.PartitionCount, start.ToString());
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var result = consumer.ConsumeNext(reason => LogConsumeError(logger, reason), stoppingToken);
                if (result is not null) Deliver(result);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            consumer.Close();
        }
    }

    private void Deliver(ConsumeResult<string, byte[]> result)
    {
        var message = KafkaLiveUpdate.Read(result);
        if (message is null) LogNotAnEnvelope(logger, result.TopicPartitionOffset.ToString());
        lock (_gate)
        {
            _position = _position.After(result.Partition.Value, result.Offset.Value);
            if (message is not var (route, envelope)) return;
            KafkaLiveUpdate Update() => new(result.Partition.Value, result.Offset.Value, _position, envelope);

            if (route.ListId is not { } listId)
            {
                if (_connections.Has(route.UserId!)) LogBehind(_connections.Deliver(route.UserId!, Update()), route.UserId!);
                return;
            }
            // A member who joins receives the update that says so; one who leaves receives it as the last of the list's.
            if (route.JoinedList is not null) _connections.Joined(listId, route.UserId!);
            if (_connections.HasMembersOf(listId)) LogBehind(_connections.DeliverToList(listId, Update()), $"list {listId}");
            if (route.LeftList is not null) _connections.Removed(listId, route.UserId!);
            if (route.DeletedList is not null) _connections.Deleted(listId);
        }
    }

    private void LogBehind(int closed, string whose)
    {
        for (var i = 0; i < closed; i++) LogConnectionBehind(logger, whose);
    }

    /// <summary>
    /// The topic's partitions and their high watermarks. Asking for the topic's metadata makes the dev broker create
    /// it, so this waits only until the broker answers.
    /// </summary>
    private PartitionOffsets EndOfTopic(IConsumer<string, byte[]> consumer, CancellationToken stoppingToken)
    {
        using var admin = clients.CreateAdminClient();
        while (true)
        {
            try
            {
                var partitions = admin.GetMetadata(Topics.TaskUpdates, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;
                if (partitions > 0)
                    return new PartitionOffsets(Enumerable.Range(0, partitions)
                        .Select(p => consumer.QueryWatermarkOffsets(new TopicPartition(Topics.TaskUpdates, p), TimeSpan.FromSeconds(10)).High.Value)
                        .ToArray());
            }
            catch (KafkaException exception)
            {
                LogConsumeError(logger, exception.Error.Reason);
            }
            OwnThread.Pause(TimeSpan.FromSeconds(1), stoppingToken);
        }
    }

    [LoggerMessage(LogLevel.Information, "Live updates: reading all {Partitions} partitions of task-updates from {Position}.")]
    private static partial void LogStarted(ILogger logger, int partitions, string position);

    [LoggerMessage(LogLevel.Warning, "Live updates could not read task-updates: {Reason}")]
    private static partial void LogConsumeError(ILogger logger, string reason);

    [LoggerMessage(LogLevel.Warning, "Live updates: the message at {Position} is not an event envelope; skipped.")]
    private static partial void LogNotAnEnvelope(ILogger logger, string position);

    [LoggerMessage(LogLevel.Warning, "Live updates: a connection (of {Whose}) fell behind and was closed; its client resumes from its last event id.")]
    private static partial void LogConnectionBehind(ILogger logger, string whose);
}
