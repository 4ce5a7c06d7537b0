using System.Text;
using TaskFlow.Api.Tasks;

namespace TaskFlow.UnitTests.Tasks;

/// <summary>The task body parser: each bad field named in the 400, and "absent" (leave alone) told from null (clear).</summary>
public sealed class TaskInputTests
{
    private static TaskInput Parse(string json, bool requireTitle = false) => TaskInput.Parse(Encoding.UTF8.GetBytes(json), requireTitle);

    [Fact]
    public void A_full_body_reads_into_its_fields()
    {
        var input = Parse("""{"title":"  Plan  ","priority":"high","tags":["A","b"],"due_at":"2030-01-07T09:00:00+01:00","time_zone":"Europe/Berlin","remind_before":"PT15M","status":"in_progress"}""", requireTitle: true);

        Assert.True(input.IsValid, string.Join("; ", input.Errors.SelectMany(e => e.Value)));
        Assert.Equal("Plan", input.Title.Value);
        Assert.Equal(TaskPriority.High, input.Priority.Value);
        Assert.Equal(["a", "b"], input.Tags.Value); // tags are stored lower-case
        Assert.Equal(DateTimeOffset.Parse("2030-01-07T08:00:00Z"), input.DueAt.Value);
        Assert.Equal(TimeSpan.FromMinutes(15), input.RemindBefore.Value);
        Assert.Equal(TaskItemStatus.InProgress, input.Status.Value);
        Assert.False(input.Description.IsSet);
    }

    [Fact]
    public void Null_clears_a_field_and_an_absent_field_is_left_alone()
    {
        var input = Parse("""{"description":null,"due_date":null}""");

        Assert.True(input.IsValid);
        Assert.True(input.Description.IsSet);
        Assert.Null(input.Description.Value);
        Assert.True(input.DueDate.IsSet);
        Assert.False(input.Title.IsSet);
        Assert.False(input.Tags.IsSet);
    }

    [Theory]
    [InlineData("""{"title":"   "}""", "title", "The title must not be blank.")]
    [InlineData("""{"priority":"urgent"}""", "priority", "one of: low, medium, high")]
    [InlineData("""{"due_date":"07/01/2030"}""", "due_date", "yyyy-MM-dd")]
    [InlineData("""{"remind_before":"15 minutes"}""", "remind_before", "ISO-8601 duration")]
    [InlineData("""{"remind_at":"2030-01-07T08:00:00Z","remind_before":"PT5M"}""", "remind_before", "not both")]
    [InlineData("""{"tags":["a","A"]}""", "tags", "listed twice")]
    [InlineData("""{"time_zone":"Mars/Olympus"}""", "time_zone", "IANA")]
    [InlineData("""{"colour":"red"}""", "colour", "Unknown field 'colour'")]
    [InlineData("""[1,2]""", "body", "must be a JSON object")]
    [InlineData("""{"title":""", "body", "not valid JSON")]
    public void A_bad_field_is_named_with_what_is_wrong(string json, string field, string problem)
    {
        var input = Parse(json);

        Assert.False(input.IsValid);
        Assert.Contains(problem, Assert.Contains(field, input.Errors).Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_new_task_needs_a_title()
    {
        Assert.Equal(["The title is required."], Parse("{}", requireTitle: true).Errors["title"]);
        Assert.True(Parse("{}").IsValid);
    }

    [Fact]
    public void Bytes_that_are_not_UTF_8_are_a_body_error_not_an_exception()
    {
        var input = TaskInput.Parse([(byte)'{', (byte)'"', 0xC3, 0x28, (byte)'"', (byte)':', (byte)'1', (byte)'}'], requireTitle: false);

        Assert.Equal(["The body is not valid UTF-8."], input.Errors["body"]);
    }

    [Fact]
    public void Remind_before_needs_a_due_time_on_the_task_it_lands_on()
    {
        var input = Parse("""{"remind_before":"PT10M"}""");

        Assert.False(input.FitsTask(task: null));
        Assert.Contains("give the task a due_at", input.Errors["remind_before"].Single(), StringComparison.Ordinal);
    }

    [Fact]
    public void A_due_date_that_disagrees_with_due_at_in_the_task_s_zone_is_refused()
    {
        var input = Parse("""{"due_at":"2030-01-07T23:30:00Z","due_date":"2030-01-07","time_zone":"Europe/Berlin"}""");

        Assert.False(input.FitsTask(task: null));
        Assert.Contains("due_date", input.Errors);
    }
}
