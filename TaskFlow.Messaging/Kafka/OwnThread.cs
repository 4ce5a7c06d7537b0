namespace TaskFlow.Messaging.Kafka;

/// <summary>
/// Where blocking client calls run: librdkafka's Consume, GetMetadata and QueryWatermarkOffsets block their thread,
/// and on the thread pool each would hold a thread that requests and timers need. A two-core machine's pool starts
/// with two threads, so a few such calls stall request handling for seconds. A consume loop therefore runs
/// synchronously on a thread of its own from start to end, and waits for its asynchronous work with GetResult: an
/// async loop would resume on the pool after its first real await and block a pool thread from then on.
/// </summary>
public static class OwnThread
{
    public static Task Run(Action work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    public static Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken) =>
        Task.Factory.StartNew(work, cancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

    /// <summary>Waits on the calling (own) thread; throws <see cref="OperationCanceledException"/> once cancelled.</summary>
    public static void Pause(TimeSpan pause, CancellationToken cancellationToken)
    {
        cancellationToken.WaitHandle.WaitOne(pause);
        cancellationToken.ThrowIfCancellationRequested();
    }
}
