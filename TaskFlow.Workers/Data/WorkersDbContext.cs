using Microsoft.EntityFrameworkCore;
using TaskFlow.Workers.Audit;

namespace TaskFlow.Workers.Data;

/// <summary>The Workers' own database (audit now; notifications and schedules as they arrive).</summary>
public sealed class WorkersDbContext(DbContextOptions<WorkersDbContext> options) : DbContext(options)
{
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

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
    }
}
