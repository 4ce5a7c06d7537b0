using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using TaskFlow.Api.Accounts;
using TaskFlow.Api.Lists;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging.Outbox;

namespace TaskFlow.Api.Data;

/// <summary>The Api's own database: users and their sign-ins, tasks, the outbox, and the data-protection keys behind bearer tokens.</summary>
public sealed class ApiDbContext(DbContextOptions<ApiDbContext> options)
    : IdentityDbContext<IdentityUser>(options), IOutboxDbContext, IDataProtectionKeyContext
{
    public const string TaskIdSequence = "task_ids";

    public DbSet<TaskItem> Tasks => Set<TaskItem>();
    public DbSet<TaskList> Lists => Set<TaskList>();
    public DbSet<ListMember> ListMembers => Set<ListMember>();
    public DbSet<ListInvitation> ListInvitations => Set<ListInvitation>();
    public DbSet<IdempotencyRecord> IdempotencyRecords => Set<IdempotencyRecord>();
    public DbSet<OutboxMessage> OutboxMessages => Set<OutboxMessage>();
    public DbSet<DataProtectionKey> DataProtectionKeys => Set<DataProtectionKey>();
    public DbSet<RefreshTokenFamily> RefreshTokenFamilies => Set<RefreshTokenFamily>();

    /// <summary>
    /// Runs <paramref name="work"/> on a task the user may change (null when they may not: see
    /// <see cref="Lists.ListAccess.CanOnlyViewAsync"/> for why) inside a transaction that holds the task's row lock, and
    /// commits. Writers of one task queue up instead of failing on each other's changes.
    /// </summary>
    public Task<TResult> WithLockedTaskAsync<TResult>(int taskId, string userId, Func<TaskItem?, Task<TResult>> work, CancellationToken cancellationToken) =>
        InTransactionAsync(async ct =>
        {
            // xmin is a system column: * does not include it, and it is the task's version. The membership is part of
            // the locking read, so a write costs one round trip before its own.
            var task = await Tasks
                .FromSql($"""
                    SELECT t.*, t.xmin FROM tasks t
                    WHERE t.id = {taskId}
                      AND EXISTS (SELECT 1 FROM list_members m WHERE m.list_id = t.list_id AND m.user_id = {userId} AND m.role IN ('owner', 'editor'))
                    FOR UPDATE OF t
                    """)
                .SingleOrDefaultAsync(ct);
            return await work(task);
        }, commits: _ => true, cancellationToken);

    /// <summary>
    /// Runs <paramref name="work"/> in one transaction (retried whole by the execution strategy) with nothing tracked
    /// before it, and commits when <paramref name="commits"/> says its result should be kept; otherwise it rolls back.
    /// </summary>
    public Task<TResult> InTransactionAsync<TResult>(Func<CancellationToken, Task<TResult>> work, Func<TResult, bool> commits, CancellationToken cancellationToken) =>
        Database.CreateExecutionStrategy().ExecuteAsync(async ct =>
        {
            ChangeTracker.Clear();
            await using var transaction = await Database.BeginTransactionAsync(ct);
            // The transaction is the unit: a savepoint around SaveChanges would cost two round trips and protect nothing.
            Database.AutoSavepointsEnabled = false;
            var result = await work(ct);
            if (commits(result)) await transaction.CommitAsync(ct);
            return result;
        }, cancellationToken);

    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.HasPostgresExtension("pg_trgm");
        // GIN indexes that lead with user_id (a btree-type column): see the filter indexes below.
        builder.HasPostgresExtension("btree_gin");
        builder.AddOutbox();
        builder.HasSequence<long>(TaskIdSequence);
        builder.Entity<RefreshTokenFamily>(family =>
        {
            family.ToTable("refresh_token_families");
            family.HasKey(f => f.Id);
            family.Property(f => f.UserId).HasMaxLength(450);
            family.HasIndex(f => f.UserId);
            // A deleted user's sign-ins go with them.
            family.HasOne<IdentityUser>().WithMany().HasForeignKey(f => f.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<TaskItem>(task =>
        {
            task.ToTable("tasks");
            task.HasKey(t => t.Id);
            task.Property(t => t.Id).ValueGeneratedNever().HasDefaultValueSql($"nextval('{TaskIdSequence}')");
            task.Property(t => t.UserId).HasMaxLength(450);
            task.Property(t => t.AssigneeId).HasMaxLength(450);
            // Deleting a list deletes its tasks one by one (each with its events) first: the key only guards that.
            task.HasOne<TaskList>().WithMany().HasForeignKey(t => t.ListId).OnDelete(DeleteBehavior.Restrict);
            task.Property(t => t.Title).HasMaxLength(TaskLimits.TitleMaxLength);
            task.Property(t => t.TitleKey).HasComputedColumnSql("lower(title)", stored: true);
            task.Property(t => t.Description).HasMaxLength(TaskLimits.DescriptionMaxLength);
            task.Property(t => t.Category).HasMaxLength(TaskLimits.CategoryMaxLength);
            task.Property(t => t.CategoryKey).HasComputedColumnSql("lower(category)", stored: true);
            // TaskItem.NoDueKey (no due date) becomes -infinity, which Npgsql reads and writes as DateTimeOffset.MinValue,
            // so a cursor after such a task compares equal to it in SQL.
            task.Property(t => t.DescendingDueKey).HasComputedColumnSql(
                "CASE WHEN due_key = '9999-12-31 00:00:00+00'::timestamptz THEN '-infinity'::timestamptz ELSE due_key END", stored: true);
            // Stored as 0/1/2 so sort=priority orders low < medium < high.
            task.Property(t => t.Priority).HasConversion<short>();
            task.Property(t => t.Status).HasConversion(s => s.ToWire(), s => WireEnum.Parse<TaskItemStatus>(s)).HasMaxLength(20);
            task.Property(t => t.TimeZone).HasMaxLength(TaskLimits.TimeZoneMaxLength);
            task.Property(t => t.Version).IsRowVersion();
            // Compared and copied without nested lambdas: the default comparer of a list builds a delegate on every
            // call, which was 5% of the Api's CPU at full write load.
            task.Property(t => t.Tags).Metadata.SetValueComparer(new ValueComparer<List<string>>(
                (a, b) => a == null ? b == null : b != null && a.SequenceEqual(b),
                tags => tags.Count,
                tags => tags.ToList()));
            // Local wall time in the task's zone, not an instant.
            task.Property(t => t.SeriesStart).HasColumnType("timestamp without time zone");
            task.Property(t => t.Recurrence).HasMaxLength(500);
            task.HasIndex(t => new { t.ListId, t.SeriesId, t.Occurrence });
            // "Assigned to me" across lists.
            task.HasIndex(t => new { t.AssigneeId, t.DueKey, t.Id }).HasFilter("assignee_id IS NOT NULL");

            // One index per sort within a list, each ending in id: keyset pages of a list are index range scans.
            task.HasIndex(t => new { t.ListId, t.CreatedAt, t.Id });
            task.HasIndex(t => new { t.ListId, t.UpdatedAt, t.Id });
            task.HasIndex(t => new { t.ListId, t.DueKey, t.Id });
            task.HasIndex(t => new { t.ListId, t.DescendingDueKey, t.Id });
            task.HasIndex(t => new { t.ListId, t.Priority, t.Id });
            task.HasIndex(t => new { t.ListId, t.TitleKey, t.Id });
            // One index per filter that can be rare, each within the list: a listing whose filter matches few of the
            // list's tasks finds them here instead of walking them in sort order (TaskQuery).
            task.HasIndex(t => new { t.ListId, t.Tags }).HasMethod("gin");
            task.HasIndex(t => new { t.ListId, t.CategoryKey });
            // Case-insensitive substring search (q): trigrams of title and description (list_id: btree_gin's default operators).
            task.HasIndex(t => new { t.ListId, t.Title }).HasMethod("gin").HasOperators(null!, "gin_trgm_ops").HasDatabaseName("ix_tasks_list_id_title_trgm");
            task.HasIndex(t => new { t.ListId, t.Description }).HasMethod("gin").HasOperators(null!, "gin_trgm_ops").HasDatabaseName("ix_tasks_list_id_description_trgm");
        });

        builder.Entity<TaskList>(list =>
        {
            list.ToTable("task_lists");
            list.HasKey(l => l.Id);
            list.Property(l => l.Name).HasMaxLength(ListLimits.NameMaxLength);
            list.Property(l => l.Color).HasMaxLength(ListLimits.ColorLength);
            list.Property(l => l.OwnerId).HasMaxLength(450);
            // One Inbox per user: creating it twice at once meets this key.
            list.HasIndex(l => l.OwnerId).IsUnique().HasFilter("is_inbox").HasDatabaseName("ix_task_lists_inbox");
        });
        builder.Entity<ListMember>(member =>
        {
            member.ToTable("list_members");
            member.HasKey(m => new { m.ListId, m.UserId });
            member.Property(m => m.UserId).HasMaxLength(450);
            member.Property(m => m.Role).HasConversion(r => r.ToWire(), r => WireEnum.Parse<ListRole>(r)).HasMaxLength(10);
            // "My lists": every request that reads tasks starts here.
            member.HasIndex(m => new { m.UserId, m.ListId });
            member.HasOne<TaskList>().WithMany().HasForeignKey(m => m.ListId).OnDelete(DeleteBehavior.Cascade);
            member.HasOne<IdentityUser>().WithMany().HasForeignKey(m => m.UserId).OnDelete(DeleteBehavior.Cascade);
        });
        builder.Entity<ListInvitation>(invitation =>
        {
            invitation.ToTable("list_invitations");
            invitation.HasKey(i => i.Id);
            invitation.Property(i => i.NormalizedEmail).HasMaxLength(256);
            invitation.Property(i => i.Email).HasMaxLength(256);
            invitation.Property(i => i.InvitedBy).HasMaxLength(450);
            invitation.Property(i => i.Role).HasConversion(r => r.ToWire(), r => WireEnum.Parse<ListRole>(r)).HasMaxLength(10);
            invitation.HasIndex(i => new { i.ListId, i.NormalizedEmail }).IsUnique();
            invitation.HasIndex(i => i.NormalizedEmail);
            invitation.HasOne<TaskList>().WithMany().HasForeignKey(i => i.ListId).OnDelete(DeleteBehavior.Cascade);
        });

        builder.Entity<IdempotencyRecord>(record =>
        {
            record.ToTable("idempotency_records");
            record.HasKey(r => new { r.UserId, r.Key });
            record.Property(r => r.Key).HasMaxLength(IdempotencyRecord.KeyMaxLength);
            record.HasIndex(r => r.CreatedAt);
        });
    }
}
