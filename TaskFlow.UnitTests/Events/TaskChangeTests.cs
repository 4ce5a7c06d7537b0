using System.Reflection;
using System.Text.Json;
using TaskFlow.Api.Tasks;
using TaskFlow.Messaging.Events;

namespace TaskFlow.UnitTests.Events;

/// <summary>
/// task.updated's changes keep their wire shape (<c>{field: {old, new}}</c>, values as written) and read typed through
/// <see cref="TaskEventFields"/>, whose names and types are the task's fields as the Api sends them.
/// </summary>
public sealed class TaskChangeTests
{
    private static TaskUpdatedData Updated(string changes) =>
        new(7, "u", JsonSerializer.Deserialize<Dictionary<string, FieldChange>>(changes, EventJson.Reading)!);

    [Fact]
    public void A_change_reads_as_the_type_of_its_field()
    {
        var updated = Updated("""
            {"status": {"old": "in_progress", "new": "completed"}, "due_at": {"old": null, "new": "2030-01-07T08:00:00Z"},
             "title": {"old": "Plan", "new": "Plan the offsite"}, "series_id": {"old": null, "new": "0192f0c4-0000-7000-8000-000000000001"},
             "occurrence": {"old": null, "new": 1}, "tags": {"old": [], "new": ["a", "b"]}}
            """);

        Assert.Equal(new FieldChange<TaskEventStatus>(TaskEventStatus.InProgress, TaskEventStatus.Completed), updated.ChangeOf(TaskEventFields.Status));
        Assert.Equal(new FieldChange<DateTimeOffset?>(null, DateTimeOffset.Parse("2030-01-07T08:00:00Z")), updated.ChangeOf(TaskEventFields.DueAt));
        Assert.Equal(new FieldChange<string>("Plan", "Plan the offsite"), updated.ChangeOf(TaskEventFields.Title));
        Assert.Equal(Guid.Parse("0192f0c4-0000-7000-8000-000000000001"), updated.ChangeOf(TaskEventFields.SeriesId)!.New);
        Assert.Equal(1, updated.ChangeOf(TaskEventFields.Occurrence)!.New);
        Assert.Equal(["a", "b"], updated.ChangeOf(TaskEventFields.Tags)!.New);
    }

    [Fact]
    public void A_field_the_update_left_alone_has_no_change()
    {
        var updated = Updated("""{"title": {"old": "a", "new": "b"}}""");

        Assert.Null(updated.ChangeOf(TaskEventFields.Status));
        Assert.Null(updated.ChangeOf(TaskEventFields.RemindAt));
    }

    [Fact]
    public void A_value_that_is_not_of_its_field_s_type_fails_to_read()
    {
        Assert.ThrowsAny<JsonException>(() => Updated("""{"status": {"old": "pending", "new": "done"}}""").ChangeOf(TaskEventFields.Status));
        Assert.ThrowsAny<JsonException>(() => Updated("""{"status": {"old": "pending", "new": null}}""").ChangeOf(TaskEventFields.Status));
        Assert.ThrowsAny<JsonException>(() => Updated("""{"title": {"old": "a", "new": null}}""").ChangeOf(TaskEventFields.Title));
        Assert.ThrowsAny<JsonException>(() => Updated("""{"title": {"old": "a", "new": 5}}""").ChangeOf(TaskEventFields.Title));
        Assert.ThrowsAny<JsonException>(() => Updated("""{"remind_at": {"old": null, "new": "soon"}}""").ChangeOf(TaskEventFields.RemindAt));
    }

    [Fact]
    public void The_fields_are_the_task_s_fields_in_wire_order()
    {
        Assert.Equal(TaskFields.All.Select(f => f.Name), Fields().Select(f => f.Name));
    }

    /// <summary>Each field task.created carries has there the type and nullability its changes are read with.</summary>
    [Fact]
    public void Each_field_has_the_type_and_nullability_task_created_gives_it()
    {
        var nullability = new NullabilityInfoContext();
        var created = typeof(TaskCreatedData).GetProperties().ToDictionary(p => JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name));
        var compared = 0;
        foreach (var (name, type, nullable) in Fields())
        {
            if (!created.TryGetValue(name, out var property)) continue;
            Assert.Equal(property.PropertyType, type);
            Assert.True(nullable == (nullability.Create(property).ReadState == NullabilityState.Nullable), $"{name}: nullable is {nullable} here, not in {nameof(TaskCreatedData)}");
            compared++;
        }
        Assert.Equal(TaskFields.All.Count - 1, compared);
    }

    /// <summary>The Api's own status and priority go into events by their wire names; every one has its event value.</summary>
    [Fact]
    public void Every_status_and_priority_of_the_Api_has_the_same_wire_name_in_events()
    {
        Assert.Equal(Enum.GetValues<TaskItemStatus>().Select(s => s.ToWire()), Enum.GetValues<TaskEventStatus>().Select(Wire));
        Assert.Equal(Enum.GetValues<TaskPriority>().Select(p => p.ToWire()), Enum.GetValues<TaskEventPriority>().Select(Wire));
    }

    [Fact]
    public void A_task_goes_into_task_created_with_its_status_and_priority()
    {
        var task = new TaskItem { Id = 7, UserId = "u", Title = "Plan", Tags = [], Priority = TaskPriority.High };
        task.SetStatus(TaskItemStatus.InProgress, DateTimeOffset.UnixEpoch);

        var created = task.ToCreatedData(actorId: "u");

        Assert.Equal((TaskEventStatus.InProgress, TaskEventPriority.High), (created.Status, created.Priority));
    }

    private static string Wire<TEnum>(TEnum value) => JsonSerializer.SerializeToNode(value, EventJson.Options)!.GetValue<string>();

    private static List<(string Name, Type Type, bool Nullable)> Fields() =>
        [.. typeof(TaskEventFields).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f =>
        {
            var field = f.GetValue(null)!;
            var type = field.GetType();
            return ((string)type.GetProperty("Name")!.GetValue(field)!, type.GetGenericArguments()[0], (bool)type.GetProperty("Nullable")!.GetValue(field)!);
        })];
}
