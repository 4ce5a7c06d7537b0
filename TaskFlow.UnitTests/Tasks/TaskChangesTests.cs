using System.Text;
using TaskFlow.Api.Tasks;

namespace TaskFlow.UnitTests.Tasks;

/// <summary>Applying a body to a task reports exactly the fields that moved, derived ones included: what task.updated carries.</summary>
public sealed class TaskChangesTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2030-01-01T12:00:00Z");

    private static TaskItem NewTask() => new() { Id = 7, UserId = "u", Title = "Plan", Tags = ["a"] };

    private static TaskInput Input(string json) => TaskInput.Parse(Encoding.UTF8.GetBytes(json), requireTitle: false);

    [Fact]
    public void A_changed_field_is_reported_with_its_old_and_new_wire_values()
    {
        var task = NewTask();

        var changes = TaskChanges.Apply(task, Input("""{"title":"Plan the offsite","priority":"high"}"""), Now);

        Assert.Equal(["priority", "title"], changes.Keys.Order());
        Assert.Equal("Plan", changes["title"].Old!.GetValue<string>());
        Assert.Equal("Plan the offsite", changes["title"].New!.GetValue<string>());
        Assert.Equal("medium", changes["priority"].Old!.GetValue<string>());
        Assert.Equal("high", changes["priority"].New!.GetValue<string>());
    }

    [Fact]
    public void A_field_sent_with_the_value_it_already_has_is_no_change()
    {
        Assert.Empty(TaskChanges.Apply(NewTask(), Input("""{"title":"Plan","tags":["a"]}"""), Now));
    }

    [Fact]
    public void Setting_due_at_moves_the_derived_due_date_too()
    {
        var changes = TaskChanges.Apply(NewTask(), Input("""{"due_at":"2030-01-07T23:30:00Z","time_zone":"Europe/Berlin"}"""), Now);

        Assert.Equal(["due_at", "due_date", "time_zone"], changes.Keys.Order());
        Assert.Equal("2030-01-08", changes["due_date"].New!.GetValue<string>());
    }

    [Fact]
    public void Completing_reports_completed_at_and_reopening_clears_it()
    {
        var task = NewTask();

        var completed = TaskChanges.Apply(task, TaskInput.ForStatus(TaskItemStatus.Completed), Now);
        var reopened = TaskChanges.Apply(task, TaskInput.ForStatus(TaskItemStatus.Pending), Now.AddHours(1));

        Assert.Equal(["completed_at", "status"], completed.Keys.Order());
        Assert.Equal("2030-01-01T12:00:00Z", completed["completed_at"].New!.GetValue<string>());
        Assert.Null(reopened["completed_at"].New);
    }

    [Fact]
    public void Remind_before_ties_the_reminder_to_the_due_time()
    {
        var task = NewTask();
        TaskChanges.Apply(task, Input("""{"due_at":"2030-01-07T09:00:00Z"}"""), Now);

        var changes = TaskChanges.Apply(task, Input("""{"remind_before":"PT30M"}"""), Now);

        Assert.Equal("2030-01-07T08:30:00Z", changes["remind_at"].New!.GetValue<string>());
        Assert.Equal("PT30M", changes["remind_before"].New!.GetValue<string>());
    }
}
