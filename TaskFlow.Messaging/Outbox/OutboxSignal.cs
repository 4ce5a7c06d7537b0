using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace TaskFlow.Messaging.Outbox;

/// <summary>Wakes the relay as soon as an outbox row commits, instead of waiting for its next poll.</summary>
public sealed class OutboxSignal
{
    private readonly SemaphoreSlim _pending = new(0, 1);

    public void Notify()
    {
        try { _pending.Release(); }
        catch (SemaphoreFullException) { /* already signalled; one wake-up covers every row */ }
    }

    public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _pending.WaitAsync(timeout, cancellationToken);
}

/// <summary>
/// Notifies the relay after a SaveChanges that left unpublished outbox rows behind (stateless, so one instance
/// serves every pooled context). Inside an explicit transaction the rows are not visible yet; the relay's poll
/// picks those up after commit. A spurious wake-up costs one empty query.
/// </summary>
public sealed class OutboxSaveChangesInterceptor(OutboxSignal signal) : SaveChangesInterceptor
{
    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        var context = eventData.Context;
        if (context is not null
            && context.Database.CurrentTransaction is null
            && context.ChangeTracker.Entries<OutboxMessage>().Any(entry => entry.Entity.PublishedAt is null))
        {
            signal.Notify();
        }
        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }
}
