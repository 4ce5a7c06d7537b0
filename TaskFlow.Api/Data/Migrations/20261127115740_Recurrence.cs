using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Api.Data.Migrations
{
    /// <inheritdoc />
    public partial class Recurrence : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<int>(
                name: "occurrence",
                table: "tasks",
                type: "integer",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "recurrence",
                table: "tasks",
                type: "character varying(500)",
                maxLength: 500,
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "series_id",
                table: "tasks",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<DateTime>(
                name: "series_start",
                table: "tasks",
                type: "timestamp without time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_tasks_user_id_series_id_occurrence",
                table: "tasks",
                columns: new[] { "user_id", "series_id", "occurrence" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_tasks_user_id_series_id_occurrence",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "occurrence",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "recurrence",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "series_id",
                table: "tasks");

            migrationBuilder.DropColumn(
                name: "series_start",
                table: "tasks");
        }
    }
}
