using System.Diagnostics;
using Confluent.Kafka;

namespace TaskFlow.Messaging.Kafka;

public static class ConsumerExtensions
{
    private static readonly TimeSpan ErrorPause = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The next message, or null after a passing error (reported to <paramref name="onError"/>, then waited out for a
    /// second, so a missing topic or an unreachable broker does not spin the loop) or after <paramref name="wait"/>
    /// passed without one. Fatal errors throw.
    /// Blocks its thread until a message comes (or the wait is over): call it from a loop on <see cref="OwnThread"/>.
    /// </summary>
    public static ConsumeResult<string, byte[]>? ConsumeNext(
        this IConsumer<string, byte[]> consumer, Action<string> onError, CancellationToken cancellationToken, TimeSpan? wait = null)
    {
        try
        {
            var result = wait is { } timeout ? consumer.Consume(timeout) : consumer.Consume(cancellationToken);
            return result?.Message is null ? null : result;
        }
        catch (ConsumeException exception) when (!exception.Error.IsFatal)
        {
            onError(exception.Error.Reason);
            OwnThread.Pause(ErrorPause, cancellationToken);
            return null;
        }
    }

    /// <summary>
    /// What is ready, as one batch: waits like <see cref="ConsumeNext"/> up to <paramref name="idleWait"/> for the first
    /// message, then takes what follows for up to <paramref name="maxWait"/> and, past that, whatever the client has
    /// already fetched, up to <paramref name="maxCount"/> messages. Empty after a passing error or an idle wait.
    /// </summary>
    public static List<ConsumeResult<string, byte[]>> ConsumeBatch(
        this IConsumer<string, byte[]> consumer, int maxCount, TimeSpan maxWait, TimeSpan idleWait, Action<string> onError, CancellationToken cancellationToken)
    {
        var first = consumer.ConsumeNext(onError, cancellationToken, idleWait);
        if (first is null) return [];
        var batch = new List<ConsumeResult<string, byte[]>>(Math.Min(maxCount, 64)) { first };
        var waited = Stopwatch.StartNew();
        while (batch.Count < maxCount && !cancellationToken.IsCancellationRequested)
        {
            try
            {
                var remaining = maxWait - waited.Elapsed;
                var next = consumer.Consume(remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero);
                if (next?.Message is null) break;
                batch.Add(next);
            }
            catch (ConsumeException exception) when (!exception.Error.IsFatal)
            {
                // Handle what was taken; the next ConsumeNext meets the error again if it lasts, and pauses then.
                onError(exception.Error.Reason);
                break;
            }
        }
        return batch;
    }
}
