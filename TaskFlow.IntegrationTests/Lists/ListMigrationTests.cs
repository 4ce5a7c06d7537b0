using Aspire.Hosting.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql;
using TaskFlow.Api.Data;
using TaskFlow.Api.Lists;

namespace TaskFlow.IntegrationTests.Lists;

/// <summary>A database from before lists, migrated: every user gets an Inbox that holds their tasks, with their ids.</summary>
public sealed class ListMigrationTests(TaskFlowServices app)
{
    private const string LastMigrationBeforeLists = "20261130070350_TaskPinned";

    [Fact]
    public async Task Every_existing_task_moves_into_its_user_s_Inbox_keeping_its_id()
    {
        var name = "before_lists_" + Guid.NewGuid().ToString("N")[..8];
        var connectionString = new NpgsqlConnectionStringBuilder(await app.App.GetConnectionStringAsync("tasksdb", TestContext.Current.CancellationToken)) { Database = name }.ConnectionString;
        await using var db = new ApiDbContext(new DbContextOptionsBuilder<ApiDbContext>().UseNpgsql(connectionString).UseSnakeCaseNamingConvention().Options);
        var migrator = db.GetService<IMigrator>();
        await migrator.MigrateAsync(LastMigrationBeforeLists, TestContext.Current.CancellationToken);

        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "AspNetUsers" (id, user_name, normalized_user_name, email, normalized_email, email_confirmed, phone_number_confirmed, two_factor_enabled, lockout_enabled, access_failed_count)
            VALUES ('ann', 'ann@example.test', 'ANN@EXAMPLE.TEST', 'ann@example.test', 'ANN@EXAMPLE.TEST', false, false, false, false, 0),
                   ('bob', 'bob@example.test', 'BOB@EXAMPLE.TEST', 'bob@example.test', 'BOB@EXAMPLE.TEST', false, false, false, false, 0);
            INSERT INTO tasks (id, user_id, title, priority, tags, time_zone, due_key, status, created_at, updated_at)
            VALUES (101, 'ann', 'Ann''s first', 1, ARRAY[]::text[], 'UTC', '9999-12-31T00:00:00Z', 'pending', now(), now()),
                   (205, 'ann', 'Ann''s second', 2, ARRAY[]::text[], 'UTC', '9999-12-31T00:00:00Z', 'completed', now(), now()),
                   (307, 'bob', 'Bob''s', 0, ARRAY[]::text[], 'UTC', '9999-12-31T00:00:00Z', 'pending', now(), now());
            """, TestContext.Current.CancellationToken);

        await migrator.MigrateAsync(cancellationToken: TestContext.Current.CancellationToken);

        db.ChangeTracker.Clear();
        var inboxes = await db.Lists.Where(l => l.IsInbox).ToDictionaryAsync(l => l.OwnerId, l => l.Id, TestContext.Current.CancellationToken);
        Assert.Equal(["ann", "bob"], inboxes.Keys.Order());
        var tasks = await db.Tasks.OrderBy(t => t.Id).Select(t => new { t.Id, t.UserId, t.ListId, t.Title }).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([(101, inboxes["ann"]), (205, inboxes["ann"]), (307, inboxes["bob"])], tasks.Select(t => (t.Id, t.ListId)));
        Assert.Equal("Ann's second", tasks[1].Title);
        var members = await db.ListMembers.OrderBy(m => m.UserId).Select(m => new { m.UserId, m.ListId, m.Role }).ToListAsync(TestContext.Current.CancellationToken);
        Assert.Equal([("ann", inboxes["ann"], ListRole.Owner), ("bob", inboxes["bob"], ListRole.Owner)], members.Select(m => (m.UserId, m.ListId, m.Role)));
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));

        await db.Database.EnsureDeletedAsync(TestContext.Current.CancellationToken);
    }
}
