namespace TaskFlow.Messaging.Outbox;

/// <summary>
/// Wakes the relay as soon as an outbox row commits, instead of waiting for its next poll: this process's relay at
/// once, and (through <see cref="OutboxNotifications{TContext}"/>) every other replica's, since whichever holds the
/// relay lock publishes the rows of all.
/// </summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);
    private readonly SemaphoreSlim _committed = new(0, 1);

    /// <summary>Rows were committed here: wake this relay and tell the other replicas.</summary>
    public void Committed()
    {
        Notify();
        Release(_committed);
    }

    /// <summary>Rows were committed somewhere: wake this relay.</summary>
    public void Notify() => Release(_pending);

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);

    /// <summary>Completes once rows were committed here since the last call.</summary>
    public Task WaitForCommitAsync(CancellationToken cancellationToken) => _committed.WaitAsync(cancellationToken);

    /// <summary>
    /// Under load nearly every commit finds the signal already set: looking first spares each of them the
    /// semaphore's lock and a thrown exception. (Two commits may both look and release; one then throws, harmlessly.)
    /// </summary>
    private static void Release(SemaphoreSlim semaphore)
    {
        if (semaphore.CurrentCount > 0) return;
        try { semaphore.Release(); }
        catch (SemaphoreFullException) { /* already signalled; one wake-up covers every row */ }
    }
}
