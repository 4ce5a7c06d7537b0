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
    private static readonly HashSet<string> IdentityFields = ["task_id", "user_id", "actor_id"];

    public static RouteGroupBuilder MapAuditEndpoints(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/internal/audit").WithTags("Internal").RequireInternalApiKey();
        group.MapGet("/tasks/{taskId:int}/history", HistoryAsync);
        return group;
    }

    /// <summary>
    /// The task's events, oldest first (the Api decides who may see them, by the list each names). Creation shows each
    /// initial value as a change from null; an update shows its changes; a deletion shows none.
    /// </summary>
    private static async Task<Ok<List<TaskHistoryEntry>>> HistoryAsync(int taskId, WorkersDbContext db, CancellationToken cancellationToken)
    {
        var entries = await db.AuditEntries.AsNoTracking()
            .Where(a => a.TaskId == taskId)
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
        return new TaskHistoryEntry(
            EventId: entry.EventId,
            EventType: entry.EventType,
            Timestamp: entry.OccurredAt,
            Changes: changes,
            ListId: data["list_id"]?.GetValue<int>(),
            ActorId: data["actor_id"]?.GetValue<string>() ?? entry.UserId);
    }
}
