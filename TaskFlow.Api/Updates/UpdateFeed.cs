using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Confluent.Kafka;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Events;
using TaskFlow.Messaging.Kafka;

namespace TaskFlow.Api.Updates;

/// <summary>One envelope from <c>task-updates</c> for one user, and the position right after it.</summary>
public sealed record LiveUpdate(int Partition, long Offset, UpdatePosition PositionAfter, string Envelope)
{
    /// <summary>
    /// The user and envelope of a <c>task-updates</c> message (unwrapped when the Dapr transport put it in a
    /// CloudEvent); null when it is no envelope. The user is <c>data.user_id</c>, else the key.
    /// </summary>
    public static (string UserId, string Envelope)? Read(ConsumeResult<string, byte[]> result)
    {
        try
        {
            var envelope = EventEnvelope.Parse(result.Message.Value);
            var userId = envelope.Data.ValueKind == JsonValueKind.Object
                && envelope.Data.TryGetProperty("user_id", out var user) && user.ValueKind == JsonValueKind.String
                    ? user.GetString()
                    : result.Message.Key;
            return userId is null ? null : (userId, Encoding.UTF8.GetString(CloudEvents.Unwrap(result.Message.Value)));
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>
/// This instance's reader of all of <c>task-updates</c>: every partition assigned by hand, from the end, outside any
/// consumer group, so every Api replica sees every message and hands each to its own SSE connections of that user.
/// </summary>
public sealed partial class UpdateFeed(KafkaClientFactory clients, IHostEnvironment environment, TimeProvider clock, ILogger<UpdateFeed> logger)
    : BackgroundService, IHealthCheck
{
    /// <summary>How long a new connection waits for a feed that is still starting before it is told to come back.</summary>
    public static readonly TimeSpan StartWait = TimeSpan.FromSeconds(10);

    /// <summary>A connection this far behind is dropped; its client reconnects and catches up from the broker.</summary>
    private const int MaxQueuedPerConnection = 1000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<Channel<LiveUpdate>>> _connections = [];
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private UpdatePosition _position = new([]);

    /// <summary>
    /// Starts delivering the user's updates to a new connection. <see cref="UpdateSubscription.Start"/> is where the
    /// live messages begin: everything before it is the broker's to replay. Null when this instance has not begun
    /// reading the topic within <see cref="StartWait"/> (the broker does not answer).
    /// </summary>
    public async Task<UpdateSubscription?> SubscribeAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            await _started.Task.WaitAsync(StartWait, clock, cancellationToken);
        }
        catch (TimeoutException)
        {
            return null;
        }
        var channel = Channel.CreateBounded<LiveUpdate>(new BoundedChannelOptions(MaxQueuedPerConnection) { SingleReader = true });
        lock (_gate)
        {
            if (!_connections.TryGetValue(userId, out var channels)) _connections[userId] = channels = [];
            channels.Add(channel);
            return new UpdateSubscription(_position, channel.Reader, () => Unsubscribe(userId, channel));
        }
    }

    private void Unsubscribe(string userId, Channel<LiveUpdate> channel)
    {
        lock (_gate)
        {
            if (_connections.TryGetValue(userId, out var channels) && channels.Remove(channel) && channels.Count == 0)
                _connections.Remove(userId);
        }
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
        var message = LiveUpdate.Read(result);
        if (message is null) LogNotAnEnvelope(logger, result.TopicPartitionOffset.ToString());
        lock (_gate)
        {
            _position = _position.After(result.Partition.Value, result.Offset.Value);
            if (message is not { } m || !_connections.TryGetValue(m.UserId, out var channels)) return;

            var update = new LiveUpdate(result.Partition.Value, result.Offset.Value, _position, m.Envelope);
            foreach (var channel in channels.Where(channel => !channel.Writer.TryWrite(update)).ToList())
            {
                LogConnectionBehind(logger, m.UserId);
                channel.Writer.TryComplete();
                channels.Remove(channel);
            }
        }
    }

    /// <summary>
    /// The topic's partitions and their high watermarks. Asking for the topic's metadata makes the dev broker create
    /// it, so this waits only until the broker answers.
    /// </summary>
    private UpdatePosition EndOfTopic(IConsumer<string, byte[]> consumer, CancellationToken stoppingToken)
    {
        using var admin = clients.CreateAdminClient();
        while (true)
        {
            try
            {
                var partitions = admin.GetMetadata(Topics.TaskUpdates, TimeSpan.FromSeconds(10)).Topics.Single().Partitions.Count;
                if (partitions > 0)
                    return new UpdatePosition(Enumerable.Range(0, partitions)
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

    [LoggerMessage(LogLevel.Warning, "Live updates: a connection of user {UserId} fell behind and was closed; its client resumes from its last event id.")]
    private static partial void LogConnectionBehind(ILogger logger, string userId);
}

/// <summary>One connection's live updates; dispose to stop them.</summary>
public sealed class UpdateSubscription(UpdatePosition start, ChannelReader<LiveUpdate> updates, Action unsubscribe) : IDisposable
{
    public UpdatePosition Start => start;
    public ChannelReader<LiveUpdate> Updates => updates;
    public void Dispose() => unsubscribe();
}
