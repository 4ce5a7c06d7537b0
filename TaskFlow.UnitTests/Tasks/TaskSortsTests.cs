using System.Linq.Expressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.OpenApi;
using TaskFlow.Api.AgentTools;
using TaskFlow.Api.Data;
using TaskFlow.Api.Tasks;

namespace TaskFlow.UnitTests.Tasks;

/// <summary>
/// The sort catalog is the one list of sort keys: each round-trips through a cursor and walks an index of its own, and
/// what clients read about <c>sort</c> (the OpenAPI parameter, the agents' enum, the 400 message) names exactly its keys.
/// </summary>
public sealed class TaskSortsTests
{
    private static readonly string[] KeyNames = [.. TaskSorts.Keys.Select(key => key.Name)];

    /// <summary>Each key ascending and descending.</summary>
    public static TheoryData<string> Sorts => [.. TaskSorts.Values];

    private static TaskQueryParameters Parameters(string sort, string? cursor = null) =>
        new(null, null, null, null, null, null, null, null, null, null, sort, "1", cursor);

    [Theory]
    [MemberData(nameof(Sorts))]
    public void A_cursor_carries_the_last_rows_sort_value_and_continues_the_same_sort(string value)
    {
        var sort = TaskSorts.Find(value)!;
        var row = Row();

        var cursor = TaskQuery.Parse(Parameters(value)).NextCursor(row);

        Assert.True(TaskQuery.Parse(Parameters(value, cursor)).IsValid);
        Assert.Equal(sort.Key.Column(sort.Descending).Compile().DynamicInvoke(row), sort.Key.ReadCursorValue(sort.CursorValue(row)));
        Assert.All(TaskSorts.Values.Where(other => other != value), other => Assert.False(TaskQuery.Parse(Parameters(other, cursor)).IsValid));
    }

    [Theory]
    [MemberData(nameof(Sorts))]
    public void Each_sort_walks_an_index_on_list_its_column_and_id(string value)
    {
        var sort = TaskSorts.Find(value)!;
        var column = ((MemberExpression)sort.Key.Column(sort.Descending).Body).Member.Name;
        using var db = new ApiDbContext(new DbContextOptionsBuilder<ApiDbContext>().UseNpgsql("Host=unused").UseSnakeCaseNamingConvention().Options);

        var indexes = db.Model.FindEntityType(typeof(TaskItem))!.GetIndexes().Select(index => index.Properties.Select(p => p.Name).ToArray());

        Assert.Contains([nameof(TaskItem.ListId), column, nameof(TaskItem.Id)], indexes);
    }

    [Fact]
    public void The_agents_sort_enum_is_every_key_in_both_directions()
    {
        var sort = TaskTools.All.Single(tool => tool.Name == "list_tasks").InputSchema["properties"]!["sort"]!;

        Assert.Equal(KeyNames.SelectMany(name => new[] { name, "-" + name }), sort["enum"]!.AsArray().Select(v => v!.GetValue<string>()));
        Assert.Equal(TaskSorts.Description, sort["description"]!.GetValue<string>());
    }

    [Fact]
    public void The_openapi_sort_parameter_lists_every_key_in_both_directions()
    {
        var operation = new OpenApiOperation { Parameters = [new OpenApiParameter { Name = "sort", In = ParameterLocation.Query }] };

        TaskSorts.DescribeParameter(operation, document: null);

        var parameter = Assert.Single(operation.Parameters);
        Assert.Equal(KeyNames.SelectMany(name => new[] { name, "-" + name }), parameter.Schema!.Enum!.Select(v => v!.GetValue<string>()));
        Assert.StartsWith(string.Join(" | ", KeyNames) + ";", parameter.Description);
    }

    [Fact]
    public void A_sort_that_is_no_key_is_answered_with_every_key()
    {
        var query = TaskQuery.Parse(Parameters("-bogus"));

        Assert.Equal($"The sort must be one of: {string.Join(", ", KeyNames)}, each optionally prefixed with - for descending.", Assert.Single(query.Errors["sort"]));
    }

    private static TaskItem Row()
    {
        var row = new TaskItem
        {
            Id = 17,
            UserId = "u",
            Title = "Title",
            Priority = TaskPriority.High,
            CreatedAt = DateTimeOffset.Parse("2030-01-01T00:00:00Z"),
            UpdatedAt = DateTimeOffset.Parse("2030-01-02T00:00:00Z"),
        };
        row.SetDue(DateTimeOffset.Parse("2030-01-03T00:00:00Z"), null, "UTC");
        return row;
    }
}
