using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Storage;

namespace TaskFlow.Messaging.Outbox;

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
                signal.Committed();
        }
        return base.SavedChangesAsync(eventData, result, cancellationToken);
    }

    public Task TransactionCommittedAsync(DbTransaction transaction, TransactionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        if (_transactionsWithOutboxRows.Remove(transaction)) signal.Committed();
        return Task.CompletedTask;
    }

    public void TransactionCommitted(DbTransaction transaction, TransactionEndEventData eventData)
    {
        if (_transactionsWithOutboxRows.Remove(transaction)) signal.Committed();
    }
}
