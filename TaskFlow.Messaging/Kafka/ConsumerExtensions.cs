using Confluent.Kafka;

namespace TaskFlow.Messaging.Kafka;

public static class ConsumerExtensions
{
    private static readonly TimeSpan ErrorPause = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The next message, or null after a passing error (reported to <paramref name="onError"/>, then waited out for a
    /// second, so a missing topic or an unreachable broker does not spin the loop). Fatal errors throw.
    /// Blocks its thread until a message comes: call it from a loop on <see cref="OwnThread"/>.
    /// </summary>
    public static ConsumeResult<string, byte[]>? ConsumeNext(
        this IConsumer<string, byte[]> consumer, Action<string> onError, CancellationToken cancellationToken)
    {
        try
        {
            var result = consumer.Consume(cancellationToken);
            return result?.Message is null ? null : result;
        }
        catch (ConsumeException exception) when (!exception.Error.IsFatal)
        {
            onError(exception.Error.Reason);
            OwnThread.Pause(ErrorPause, cancellationToken);
            return null;
        }
    }
}
