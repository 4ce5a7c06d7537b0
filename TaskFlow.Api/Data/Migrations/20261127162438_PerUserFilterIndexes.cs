using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class PerUserFilterIndexes : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tasks_description_trgm",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_tags",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_title_trgm",
                table: "tasks");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:btree_gin", ",,")
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.AddColumn<string>(
                name: "category_key",
                table: "tasks",
                type: "text",
                nullable: true,
                computedColumnSql: "lower(category)",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_category_key",
                table: "tasks",
                columns: new[] { "user_id", "category_key" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_description_trgm",
                table: "tasks",
                columns: new[] { "user_id", "description" })
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { null, "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_tags",
                table: "tasks",
                columns: new[] { "user_id", "tags" })
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_title_trgm",
                table: "tasks",
                columns: new[] { "user_id", "title" })
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { null, "gin_trgm_ops" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_category_key",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_description_trgm",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_tags",
                table: "tasks");

            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_title_trgm",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "category_key",
                table: "tasks");

            migrationBuilder.AlterDatabase()
                .Annotation("Npgsql:PostgresExtension:pg_trgm", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:btree_gin", ",,")
                .OldAnnotation("Npgsql:PostgresExtension:pg_trgm", ",,");

            migrationBuilder.CreateIndex(
                name: "ix_tasks_description_trgm",
                table: "tasks",
                column: "description")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            migrationBuilder.CreateIndex(
                name: "ix_tasks_tags",
                table: "tasks",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_tasks_title_trgm",
                table: "tasks",
                column: "title")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }
    }
}
