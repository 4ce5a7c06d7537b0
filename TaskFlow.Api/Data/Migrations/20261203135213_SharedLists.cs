using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace TaskFlow.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class SharedLists : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_category_key",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_created_at_id",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_descending_due_key_id",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_description_trgm",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_due_key_id",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_priority_id",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_series_id_occurrence",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_tags",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_title_key_id",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_title_trgm",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_updated_at_id",
                table: "tasks");

            migrationBuilder.AddColumn<string>(
                name: "assignee_id",
                table: "tasks",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);

            migrationBuilder.AddColumn<int>(
                name: "list_id",
                table: "tasks",
                type: "integer",
                nullable: false,
                defaultValue: 0);

            migrationBuilder.CreateTable(
                name: "task_lists",
                columns: table => new
                {
                    id = table.Column<int>(type: "integer", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    color = table.Column<string>(type: "character varying(7)", maxLength: 7, nullable: false),
                    owner_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    is_inbox = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_task_lists", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "list_invitations",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    list_id = table.Column<int>(type: "integer", nullable: false),
                    normalized_email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    email = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    role = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    invited_by = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_list_invitations", x => x.id);
                    table.ForeignKey(
                        name: "fk_list_invitations_task_lists_list_id",
                        column: x => x.list_id,
                        principalTable: "task_lists",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "list_members",
                columns: table => new
                {
                    list_id = table.Column<int>(type: "integer", nullable: false),
                    user_id = table.Column<string>(type: "character varying(450)", maxLength: 450, nullable: false),
                    role = table.Column<string>(type: "character varying(10)", maxLength: 10, nullable: false),
                    joined_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_list_members", x => new { x.list_id, x.user_id });
                    table.ForeignKey(
                        name: "fk_list_members_asp_net_users_user_id",
                        column: x => x.user_id,
                        principalTable: "AspNetUsers",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_list_members_task_lists_list_id",
                        column: x => x.list_id,
                        principalTable: "task_lists",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            // Every user gets their Inbox, and every existing task moves into its user's Inbox with its id kept
            // (history and events name tasks by id). The column's 0 only bridged the moment before this update.
            migrationBuilder.Sql("""
                INSERT INTO task_lists (name, color, owner_id, is_inbox, created_at)
                SELECT 'Inbox', '#4f46e5', owner_id, true, now()
                FROM (SELECT id AS owner_id FROM "AspNetUsers" UNION SELECT user_id FROM tasks) AS owners;

                INSERT INTO list_members (list_id, user_id, role, joined_at)
                SELECT l.id, l.owner_id, 'owner', now()
                FROM task_lists l JOIN "AspNetUsers" u ON u.id = l.owner_id
                WHERE l.is_inbox;

                UPDATE tasks t SET list_id = l.id
                FROM task_lists l
                WHERE l.owner_id = t.user_id AND l.is_inbox;

                ALTER TABLE tasks ALTER COLUMN list_id DROP DEFAULT;
                """);

            migrationBuilder.CreateIndex(
                name: "ix_tasks_assignee_id_due_key_id",
                table: "tasks",
                columns: new[] { "assignee_id", "due_key", "id" },
                filter: "assignee_id IS NOT NULL");

            migrationBuilder.CreateIndex(
                name: "ix_tasks_list_id_category_key",
                table: "tasks",
                columns: new[] { "list_id", "category_key" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_list_id_created_at_id",
                table: "tasks",
                columns: new[] { "list_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_list_id_descending_due_key_id",
                table: "tasks",
                columns: new[] { "list_id", "descending_due_key", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_list_id_description_trgm",
                table: "tasks",
                columns: new[] { "list_id", "description" })
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { null, "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_list_id_due_key_id",
                table: "tasks",
                columns: new[] { "list_id", "due_key", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_list_id_priority_id",
                table: "tasks",
                columns: new[] { "list_id", "priority", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_list_id_series_id_occurrence",
                table: "tasks",
                columns: new[] { "list_id", "series_id", "occurrence" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_list_id_tags",
                table: "tasks",
                columns: new[] { "list_id", "tags" })
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_tasks_list_id_title_key_id",
                table: "tasks",
                columns: new[] { "list_id", "title_key", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_list_id_title_trgm",
                table: "tasks",
                columns: new[] { "list_id", "title" })
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { null, "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_list_id_updated_at_id",
                table: "tasks",
                columns: new[] { "list_id", "updated_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_list_invitations_list_id_normalized_email",
                table: "list_invitations",
                columns: new[] { "list_id", "normalized_email" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_list_invitations_normalized_email",
                table: "list_invitations",
                column: "normalized_email");

            migrationBuilder.CreateIndex(
                name: "ix_list_members_user_id_list_id",
                table: "list_members",
                columns: new[] { "user_id", "list_id" });

            migrationBuilder.CreateIndex(
                name: "ix_task_lists_inbox",
                table: "task_lists",
                column: "owner_id",
                unique: true,
                filter: "is_inbox");

            migrationBuilder.AddForeignKey(
                name: "fk_tasks_lists_list_id",
                table: "tasks",
                column: "list_id",
                principalTable: "task_lists",
                principalColumn: "id",
                onDelete: ReferentialAction.Restrict);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_tasks_lists_list_id",
                table: "tasks");

            migrationBuilder.DropTable(
                name: "list_invitations");

            migrationBuilder.DropTable(
                name: "list_members");

            migrationBuilder.DropTable(
                name: "task_lists");

            migrationBuilder.DropIndex(
                name: "ix_tasks_assignee_id_due_key_id",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_list_id_category_key",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_list_id_created_at_id",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_list_id_descending_due_key_id",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_list_id_description_trgm",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_list_id_due_key_id",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_list_id_priority_id",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_list_id_series_id_occurrence",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_list_id_tags",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_list_id_title_key_id",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_list_id_title_trgm",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_list_id_updated_at_id",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "assignee_id",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "list_id",
                table: "tasks");

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_category_key",
                table: "tasks",
                columns: new[] { "user_id", "category_key" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_created_at_id",
                table: "tasks",
                columns: new[] { "user_id", "created_at", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_descending_due_key_id",
                table: "tasks",
                columns: new[] { "user_id", "descending_due_key", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_description_trgm",
                table: "tasks",
                columns: new[] { "user_id", "description" })
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { null, "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_due_key_id",
                table: "tasks",
                columns: new[] { "user_id", "due_key", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_priority_id",
                table: "tasks",
                columns: new[] { "user_id", "priority", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_series_id_occurrence",
                table: "tasks",
                columns: new[] { "user_id", "series_id", "occurrence" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_tags",
                table: "tasks",
                columns: new[] { "user_id", "tags" })
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_title_key_id",
                table: "tasks",
                columns: new[] { "user_id", "title_key", "id" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_title_trgm",
                table: "tasks",
                columns: new[] { "user_id", "title" })
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { null, "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_updated_at_id",
                table: "tasks",
                columns: new[] { "user_id", "updated_at", "id" });
        }
    }
}
