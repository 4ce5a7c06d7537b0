using TaskFlow.Api.Tasks;

namespace TaskFlow.UnitTests.Tasks;

/// <summary>
/// The task query's parameters, checked and named. Paging itself compares row values in SQL (Postgres only), so its
/// exactness is tested end to end (EndToEnd/TaskQueryTests).
/// </summary>
public sealed class TaskQueryTests
{
    private static TaskQueryParameters Parameters(string? sort = null, string? limit = null, string? cursor = null, string? status = null, string? dueBefore = null) =>
        new(status, null, null, null, null, dueBefore, null, null, null, null, sort, limit, cursor);

    [Theory]
    [InlineData("sort", "bogus")]
    [InlineData("limit", "0")]
    [InlineData("limit", "201")]
    [InlineData("cursor", "not-a-cursor")]
    [InlineData("status", "done")]
    [InlineData("due_before", "tomorrow")]
    public void A_bad_parameter_is_named(string name, string value)
    {
        var query = TaskQuery.Parse(name switch
        {
            "sort" => Parameters(sort: value),
            "limit" => Parameters(limit: value),
            "cursor" => Parameters(cursor: value),
            "status" => Parameters(status: value),
            _ => Parameters(dueBefore: value),
        });

        Assert.False(query.IsValid);
        Assert.Contains(name, query.Errors.Keys);
    }
}
