using Microsoft.EntityFrameworkCore;
using TaskFlow.Messaging.Outbox;
using TaskFlow.Workers.Audit;
using TaskFlow.Workers.DeadLetters;
using TaskFlow.Workers.Notifications;
using TaskFlow.Workers.Recurring;
using TaskFlow.Workers.Reminders;

namespace TaskFlow.Workers.Data;

/// <summary>
/// The Workers' own database: audit trail, reminder schedule, notifications, webhooks, what operators did with dead
/// letters, and an outbox.
/// </summary>
public sealed class WorkersDbContext(DbContextOptions<WorkersDbContext> options) : DbContext(options), IOutboxDbContext
{
    /// <summary>The connection string's name, and the database's.</summary>
    public const string ConnectionName = "workersdb";

    /// <summary>The database's name before it held more than the audit; its data moves to the new name on first start.</summary>
    public const string FormerName = "auditdb";

    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();
    public DbSet<ScheduledReminder> Reminders => Set<ScheduledReminder>();
    public DbSet<Notification> Notifications => Set<Notification>();
    public DbSet<WebhookSubscription> Webhooks => Set<WebhookSubscription>();
    public DbSet<RecurringTask> RecurringTasks => Set<RecurringTask>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<DeadLetterAction> DeadLetterActions => Set<DeadLetterAction>();

    protected override void OnModelCreating(ModelBuilder builder)
    {
        builder.Entity<AuditEntry>(audit =>
        {
            audit.ToTable("audit_entries");
            audit.HasKey(a => a.Id);
            audit.HasIndex(a => a.EventId).IsUnique();
            audit.HasIndex(a => new { a.TaskId, a.OccurredAt, a.Id });
            audit.Property(a => a.EventType).HasMaxLength(100);
            audit.Property(a => a.UserId).HasMaxLength(450);
            audit.Property(a => a.Data).HasColumnType("jsonb");
        });

        builder.AddOutbox();

        builder.Entity<ScheduledReminder>(reminder =>
        {
            reminder.ToTable("scheduled_reminders");
            reminder.HasKey(r => r.TaskId);
            reminder.Property(r => r.TaskId).ValueGeneratedNever();
            reminder.Property(r => r.UserId).HasMaxLength(450);
            reminder.Property(r => r.AssigneeId).HasMaxLength(450);
            reminder.Ignore(r => r.IsPending);
            reminder.Ignore(r => r.Recipient);
            reminder.HasIndex(r => r.RemindAt);
        });

        builder.Entity<Notification>(notification =>
        {
            notification.ToTable("notifications");
            notification.HasKey(n => n.Id);
            notification.Property(n => n.UserId).HasMaxLength(450);
            notification.Property(n => n.DeliveryStatus).HasConversion<string>().HasMaxLength(20);
            notification.HasIndex(n => n.ReminderEventId).IsUnique();
            notification.HasIndex(n => new { n.UserId, n.CreatedAt });
            // The delivery loop's query: pending deliveries by next attempt.
            notification.HasIndex(n => n.NextAttemptAt).HasFilter("delivery_status = 'Pending'");
        });

        builder.Entity<RecurringTask>(task =>
        {
            task.ToTable("recurring_tasks");
            task.HasKey(t => t.TaskId);
            task.Property(t => t.TaskId).ValueGeneratedNever();
            task.Property(t => t.UserId).HasMaxLength(450);
        });

        builder.Entity<DeadLetterAction>(action =>
        {
            action.ToTable("dead_letter_actions");
            action.HasKey(a => new { a.Topic, a.Partition, a.Offset });
            // Kafka's longest topic name.
            action.Property(a => a.Topic).HasMaxLength(249);
            action.Property(a => a.Action).HasConversion<string>().HasMaxLength(20);
            action.Property(a => a.Operator).HasMaxLength(DeadLetterOperator.MaxLength);
        });

        builder.Entity<WebhookSubscription>(webhook =>
        {
            webhook.ToTable("webhook_subscriptions");
            webhook.HasKey(w => w.UserId);
            webhook.Property(w => w.Url).HasMaxLength(2048);
        });
    }
}
