using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Messaging.Events;

namespace TaskFlow.Messaging.Outbox;

public static class OutboxModel
{
    public static ModelBuilder AddOutbox(this ModelBuilder modelBuilder)
    {
        modelBuilder.Entity<OutboxMessage>(outbox =>
        {
            outbox.ToTable("outbox_messages");
            outbox.HasKey(m => m.Id);
            outbox.Property(m => m.Topic).HasMaxLength(249);
            outbox.Property(m => m.EventType).HasMaxLength(100);
            outbox.HasIndex(m => m.EventId).IsUnique();
            // The relay's only query: unpublished rows in write order.
            outbox.HasIndex(m => m.Id).HasFilter("published_at IS NULL").HasDatabaseName("ix_outbox_messages_unpublished");
        });
        return modelBuilder;
    }

    /// <summary>
    /// The connection string of <typeparamref name="TContext"/>'s database, for the outbox's own long-lived connections
    /// (the relay's, and LISTEN/NOTIFY's), which live outside any DbContext.
    /// </summary>
    public static async Task<string> OutboxConnectionStringAsync<TContext>(this IServiceScopeFactory scopes)
        where TContext : DbContext, IOutboxDbContext
    {
        await using var scope = scopes.CreateAsyncScope();
        return scope.ServiceProvider.GetRequiredService<TContext>().Database.GetConnectionString()
            ?? throw new InvalidOperationException($"{typeof(TContext).Name} has no connection string.");
    }

    /// <summary>Adds the event to the outbox; it is published once the caller's SaveChanges commits.</summary>
    public static void EnqueueEvent<TData>(this IOutboxDbContext db, string topic, string key, EventEnvelope<TData> envelope) =>
        db.OutboxMessages.Add(new OutboxMessage
        {
            Topic = topic,
            Key = key,
            EventId = envelope.EventId,
            EventType = envelope.EventType,
            Payload = System.Text.Encoding.UTF8.GetString(EventJson.SerializeToUtf8Bytes(envelope)),
            TraceParent = System.Diagnostics.Activity.Current?.Id,
            CreatedAt = envelope.Timestamp,
        });
}
