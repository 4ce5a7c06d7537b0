using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace TaskFlow.Workers.Data.Migrations
{
    /// <inheritdoc />
    public partial class ReminderAssignee : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<string>(
                name: "assignee_id",
                table: "scheduled_reminders",
                type: "character varying(450)",
                maxLength: 450,
                nullable: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropColumn(
                name: "assignee_id",
                table: "scheduled_reminders");
        }
    }
}
