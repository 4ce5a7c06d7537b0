using Microsoft.EntityFrameworkCore;

namespace TaskFlow.Messaging.Outbox;

/// <summary>A DbContext that carries an outbox table.</summary>
public interface IOutboxDbContext
{
    DbSet<OutboxMessage> OutboxMessages { get; }
}
