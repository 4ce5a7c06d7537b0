using Confluent.Kafka;

namespace TaskFlow.Messaging.Kafka;

public static class ConsumerExtensions
{
    private static readonly TimeSpan ErrorPause = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The next message, or null after a passing error (reported to <paramref name="onError"/>, then waited out for a
    /// second, so a missing topic or an unreachable broker does not spin the loop). Fatal errors throw.
    /// </summary>
    public static async Task<ConsumeResult<string, byte[]>?> ConsumeNextAsync(
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
            await Task.Delay(ErrorPause, cancellationToken);
            return null;
        }
    }
}
