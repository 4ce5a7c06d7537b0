using Microsoft.EntityFrameworkCore;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

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
/// Wakes the relay once outbox rows are committed: right after SaveChanges, or, inside an explicit transaction,
/// after that transaction commits (before then the relay could not see them). Stateless per context, so one
/// instance serves every pooled context; a spurious wake-up costs one empty query.
/// </summary>
public sealed class OutboxSaveChangesInterceptor(OutboxSignal signal) : SaveChangesInterceptor, IDbTransactionInterceptor
{
    private readonly ConditionalWeakTable<DbTransaction, object> _transactionsWithOutboxRows = [];

    public override ValueTask<int> SavedChangesAsync(SaveChangesCompletedEventData eventData, int result, CancellationToken cancellationToken = default)
    {
        var context = eventData.Context;
        if (context is not null && context.ChangeTracker.Entries<OutboxMessage>().Any(entry => entry.Entity.PublishedAt is null))
        {
            if (context.Database.CurrentTransaction?.GetDbTransaction() is { } transaction)
                _transactionsWithOutboxRows.AddOrUpdate(transaction, this);
            else
                signal.Notify();
        }
        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (_transactionsWithOutboxRows.Remove(transaction)) signal.Notify();
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (_transactionsWithOutboxRows.Remove(transaction)) signal.Notify();
    }
}
