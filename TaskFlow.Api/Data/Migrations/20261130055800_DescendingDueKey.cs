using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class DescendingDueKey : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "descending_due_key",
                table: "tasks",
                type: "timestamp with time zone",
                nullable: false,
                computedColumnSql: "CASE WHEN due_key = '9999-12-31 00:00:00+00'::timestamptz THEN '-infinity'::timestamptz ELSE due_key END",
                stored: true);

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_descending_due_key_id",
                table: "tasks",
                columns: new[] { "user_id", "descending_due_key", "id" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_descending_due_key_id",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "descending_due_key",
                table: "tasks");
        }
    }
}
