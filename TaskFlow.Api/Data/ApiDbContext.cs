using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging.Outbox;

namespace TaskFlow.Api.Data;

/// <summary>The Api's own database: users, tasks, the outbox, and the data-protection keys behind bearer tokens.</summary>
public sealed class ApiDbContext(DbContextOptions<ApiDbContext> options)
    : IdentityDbContext<IdentityUser>(options), IOutboxDbContext, IDataProtectionKeyContext
{
    public const string TaskIdSequence = "task_ids";

    public DbSet<TaskItem> Tasks => Set<TaskItem>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();

    /// <summary>
    /// Reserves the next task id before the insert, so the task and its <c>task.created</c> event
    /// (which carries the id) are written in one SaveChanges, hence one transaction.
    /// </summary>
    public async Task<int> NextTaskIdAsync(CancellationToken cancellationToken) =>
        (int)await Database.SqlQuery<long>($"SELECT nextval('task_ids') AS \"Value\"").SingleAsync(cancellationToken);

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.AddOutbox();
        builder.HasSequence<long>(TaskIdSequence);
        builder.Entity<TaskItem>(task =>
        {
            task.ToTable("tasks");
            task.HasKey(t => t.Id);
            task.Property(t => t.Id).ValueGeneratedNever().HasDefaultValueSql($"nextval('{TaskIdSequence}')");
            task.Property(t => t.UserId).HasMaxLength(450);
            task.Property(t => t.Title).HasMaxLength(TaskLimits.TitleMaxLength);
            task.Property(t => t.Description).HasMaxLength(TaskLimits.DescriptionMaxLength);
            task.Property(t => t.Category).HasMaxLength(TaskLimits.CategoryMaxLength);
            task.Property(t => t.Priority).HasConversion(p => p.ToWire(), s => WireEnum.Parse<TaskPriority>(s)).HasMaxLength(20);
            task.Property(t => t.Status).HasConversion(s => s.ToWire(), s => WireEnum.Parse<TaskItemStatus>(s)).HasMaxLength(20);
            task.Property(t => t.Version).IsRowVersion();
            task.HasIndex(t => new { t.UserId, t.Id });
        });
    }
}
