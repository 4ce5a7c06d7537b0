using Confluent.Kafka;

namespace TaskFlow.Messaging.Kafka;

public static class ConsumerExtensions
{
    private static readonly TimeSpan ErrorPause = TimeSpan.FromSeconds(1);

    /// <summary>
    /// The next message, or null after a passing error (reported to <paramref name="onError"/>, then waited out for a
    /// second, so a missing topic or an unreachable broker does not spin the loop). Fatal errors throw.
    /// </summary>
    /// <remarks>
    /// This blocks its thread until a message comes, so a consume loop runs synchronously on a thread of its own
    /// (<see cref="TaskCreationOptions.LongRunning"/>) and waits for its asynchronous work with GetResult. An async loop
    /// resumes on the thread pool after its first real await and from then on holds a pool thread for good; a few such
    /// loops on a two-core machine, where the pool starts with two threads, stall request handling for seconds.
    /// </remarks>
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
            cancellationToken.WaitHandle.WaitOne(ErrorPause);
            cancellationToken.ThrowIfCancellationRequested();
            return null;
        }
    }
}
