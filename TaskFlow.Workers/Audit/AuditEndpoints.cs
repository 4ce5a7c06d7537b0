using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using TaskFlow.Messaging.Events;
using TaskFlow.ServiceDefaults.WorkersApi;
using TaskFlow.Workers.Data;

namespace TaskFlow.Workers.Audit;

/// <summary>Internal endpoints (service-to-service, internal key) over the audit trail.</summary>
public static class AuditEndpoints
{
    /// <summary>Fields of task.created that are identity, not content, so they are not shown as changes.</summary>
    private static readonly HashSet<string> IdentityFields = ["task_id", "user_id"];

    public static RouteGroupBuilder MapAuditEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/internal/audit").WithTags("Internal").RequireInternalApiKey();
        group.MapGet("/tasks/{taskId:int}/history", HistoryAsync);
        return group;
    }

    /// <summary>
    /// The task's events that carry this user's id, oldest first. Creation shows each initial value as a change
    /// from null; an update shows its changes; a deletion shows none.
    /// </summary>
    private static async Task<Results<Ok<List<TaskHistoryEntry>>, BadRequest<string>>> HistoryAsync(
        int taskId, string? user_id, WorkersDbContext db, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(user_id)) return TypedResults.BadRequest("user_id is required.");

        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.TaskId == taskId && a.UserId == user_id)
            .OrderBy(a => a.OccurredAt).ThenBy(a => a.Id)
            .ToListAsync(cancellationToken);
        return TypedResults.Ok(entries.Select(ToHistoryEntry).ToList());
    }

    private static TaskHistoryEntry ToHistoryEntry(AuditEntry entry)
    {
        var data = JsonNode.Parse(entry.Data)!.AsObject();
        var changes = entry.EventType switch
        {
            TaskEventTypes.Updated => data["changes"].Deserialize<Dictionary<string, HistoryChange>>(EventJson.Options) ?? [],
            TaskEventTypes.Created => data
                .Where(field => !IdentityFields.Contains(field.Key) && field.Value is not null)
                .ToDictionary(field => field.Key, field => new HistoryChange(null, field.Value!.DeepClone())),
            _ => [],
        };
        return new TaskHistoryEntry(entry.EventId, entry.EventType, entry.OccurredAt, changes);
    }
}
