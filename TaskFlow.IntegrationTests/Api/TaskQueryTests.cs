using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using Npgsql;

namespace TaskFlow.IntegrationTests.Api;

/// <summary>Filtering, searching, sorting and paging a user's tasks, as a client sees them.</summary>
public sealed class TaskQueryTests(TaskFlowServices app)
{
    [Fact]
    public async Task Each_filter_returns_exactly_the_matching_tasks()
    {
        var user = await app.SignUpAsync();
        var past = DateTimeOffset.UtcNow.AddDays(-2).ToString("yyyy-MM-dd");
        var ids = new Dictionary<string, int>
        {
            ["report"] = await CreateAsync(user, new { title = "Quarterly REPORT", priority = "high", category = "Work", tags = new[] { "q4", "Finance" }, due_date = past }),
            ["groceries"] = await CreateAsync(user, new { title = "Groceries", description = "milk, 100% oat", priority = "low", category = "home", tags = new[] { "errands" }, due_at = "2030-01-05T09:00:00+01:00" }),
            ["taxes"] = await CreateAsync(user, new { title = "Taxes", priority = "high", category = "home", tags = new[] { "finance" }, due_at = "2030-03-01T12:00:00Z", status = "in_progress" }),
            ["done"] = await CreateAsync(user, new { title = "Old report", priority = "medium", tags = new[] { "q4" }, due_date = past, status = "completed" }),
            ["someday"] = await CreateAsync(user, new { title = "Someday", description = "learn the cello" }),
        };

        await AssertListAsync(user, "status=in_progress", ids["taxes"]);
        await AssertListAsync(user, "status=completed", ids["done"]);
        await AssertListAsync(user, "priority=high", ids["report"], ids["taxes"]);
        await AssertListAsync(user, "category=HOME", ids["groceries"], ids["taxes"]);
        await AssertListAsync(user, "tag=finance", ids["report"], ids["taxes"]);
        await AssertListAsync(user, "tag=FINANCE&tag=q4", ids["report"]);
        await AssertListAsync(user, "tag=finance&tag=errands");
        await AssertListAsync(user, "q=report", ids["report"], ids["done"]);
        await AssertListAsync(user, "q=CELLO", ids["someday"]);
        await AssertListAsync(user, "q=100%25", ids["groceries"]);
        await AssertListAsync(user, "q=no-such-words");
        await AssertListAsync(user, "due_before=2030-02-01", ids["report"], ids["groceries"], ids["done"]);
        await AssertListAsync(user, "due_after=2030-01-05T08:00:00Z", ids["groceries"], ids["taxes"]);
        await AssertListAsync(user, "due_after=2030-01-05T08:00:01Z", ids["taxes"]);
        await AssertListAsync(user, "overdue=true", ids["report"]);
        await AssertListAsync(user, "overdue=false", ids["groceries"], ids["taxes"], ids["done"], ids["someday"]);
        await AssertListAsync(user, "priority=high&status=pending", ids["report"]);
    }

    [Fact]
    public async Task Each_sort_orders_ascending_and_descending_with_ties_broken_by_id()
    {
        var user = await app.SignUpAsync();
        var a = await CreateAsync(user, new { title = "banana", priority = "low", due_at = "2031-01-02T00:00:00Z" });
        var b = await CreateAsync(user, new { title = "Apple", priority = "high", due_date = "2031-01-01" });
        var c = await CreateAsync(user, new { title = "cherry", priority = "high" });
        var d = await CreateAsync(user, new { title = "apple", priority = "medium", due_at = "2030-12-31T23:00:00-05:00" });
        await user.PatchAsync($"/api/tasks/{b}", """{"description":"touched last"}""");

        await AssertListAsync(user, "sort=created", a, b, c, d);
        await AssertListAsync(user, "sort=-created", d, c, b, a);
        await AssertListAsync(user, "sort=updated", a, c, d, b);
        await AssertListAsync(user, "sort=-updated", b, d, c, a);
        await AssertListAsync(user, "sort=title", b, d, a, c);
        await AssertListAsync(user, "sort=-title", c, a, d, b);
        await AssertListAsync(user, "sort=priority", a, d, b, c);
        await AssertListAsync(user, "sort=-priority", c, b, d, a);
        // b is due all of 2031-01-01 UTC (ends 2031-01-02T00:00Z, same instant as a; a has the lower id); d is 2031-01-01T04:00Z.
        await AssertListAsync(user, "sort=due", d, a, b, c);
        // Tasks without a due date come last in both directions.
        await AssertListAsync(user, "sort=-due", b, a, d, c);
    }

    [Fact]
    public async Task Tasks_without_a_due_date_come_last_in_both_directions_and_pages_cross_that_boundary_exactly()
    {
        var user = await app.SignUpAsync();
        await CreateAsync(user, new { title = "none 1" });
        await CreateAsync(user, new { title = "march", due_date = "2031-03-01" });
        await CreateAsync(user, new { title = "none 2" });
        await CreateAsync(user, new { title = "january", due_at = "2031-01-05T09:00:00Z" });
        await CreateAsync(user, new { title = "none 3" });
        await CreateAsync(user, new { title = "february", due_date = "2031-02-01" });

        Assert.Equal(["january", "february", "march", "none 1", "none 2", "none 3"], await TitlesOfAllPagesAsync(user, "sort=due&limit=2"));
        Assert.Equal(["march", "february", "january", "none 3", "none 2", "none 1"], await TitlesOfAllPagesAsync(user, "sort=-due&limit=2"));
        Assert.Equal(["march", "february", "january", "none 3"], await TitlesOfAllPagesAsync(user, "sort=-due&limit=4", maxPages: 1));
    }

    [Fact]
    public async Task Paging_through_120_tasks_while_more_are_added_has_no_gaps_or_repeats()
    {
        var user = await app.SignUpAsync();
        var original = new List<int>();
        for (var i = 0; i < 120; i++)
            original.Add(await CreateAsync(user, new { title = $"Task {i:000}", priority = (i % 3) switch { 0 => "low", 1 => "medium", _ => "high" } }));

        foreach (var sort in new[] { "created", "-priority", "title" })
        {
            var seen = new List<int>();
            string? cursor = null;
            var pages = 0;
            do
            {
                var page = await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks?sort={sort}&limit=25{(cursor is null ? "" : "&cursor=" + cursor)}");
                seen.AddRange(page!["items"]!.AsArray().Select(t => t!["task_id"]!.GetValue<int>()));
                cursor = page["next_cursor"]?.GetValue<string>();
                pages++;
                // Someone keeps adding tasks while we page.
                await CreateAsync(user, new { title = $"Added during {sort} page {pages}", priority = "medium" });
            } while (cursor is not null && pages < 50);

            Assert.Equal(seen.Count, seen.Distinct().Count());
            Assert.Empty(original.Except(seen));
        }
    }

    [Fact]
    public async Task Categories_and_tags_list_only_the_users_own_with_counts()
    {
        var user = await app.SignUpAsync();
        var other = await app.SignUpAsync();
        await CreateAsync(user, new { title = "1", category = "work", tags = new[] { "a", "b" } });
        await CreateAsync(user, new { title = "2", category = "work", tags = new[] { "b" } });
        await CreateAsync(user, new { title = "3", category = "home" });
        await CreateAsync(other, new { title = "x", category = "secret", tags = new[] { "hidden" } });

        var categories = await user.Http.GetFromJsonAsync<JsonArray>("/api/categories");
        var tags = await user.Http.GetFromJsonAsync<JsonArray>("/api/tags");

        Assert.Equal("""[{"category":"home","count":1},{"category":"work","count":2}]""", categories!.ToJsonString());
        Assert.Equal("""[{"tag":"a","count":1},{"tag":"b","count":2}]""", tags!.ToJsonString());
    }

    [Theory]
    [InlineData("sort=newest", "sort")]
    [InlineData("sort=-", "sort")]
    [InlineData("status=done", "status")]
    [InlineData("priority=urgent", "priority")]
    [InlineData("limit=0", "limit")]
    [InlineData("limit=201", "limit")]
    [InlineData("limit=ten", "limit")]
    [InlineData("cursor=not-a-cursor", "cursor")]
    [InlineData("due_before=next+week", "due_before")]
    [InlineData("due_after=2030-01-01T10:00:00", "due_after")]
    [InlineData("overdue=maybe", "overdue")]
    [InlineData("q=a%00b", "q")]
    [InlineData("tag=a%00", "tag")]
    [InlineData("category=%00", "category")]
    // Made-up cursors of the created sort whose key is no instant: {"Sort":"created","Key":"xx","Id":1}, then Key 123.
    [InlineData("cursor=eyJTb3J0IjoiY3JlYXRlZCIsIktleSI6Inh4IiwiSWQiOjF9", "cursor")]
    [InlineData("cursor=eyJTb3J0IjoiY3JlYXRlZCIsIktleSI6MTIzLCJJZCI6MX0", "cursor")]
    public async Task A_bad_query_value_is_a_400_naming_the_parameter(string queryString, string parameter)
    {
        var user = await app.SignUpAsync();

        var response = await user.Http.GetAsync($"/api/tasks?{queryString}");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{queryString}: {(int)response.StatusCode} {text}");
        Assert.NotNull(JsonNode.Parse(text)!["errors"]![parameter]);
    }

    [Fact]
    public async Task A_cursor_from_one_sort_is_refused_for_another()
    {
        var user = await app.SignUpAsync();
        await CreateAsync(user, new { title = "one" });
        await CreateAsync(user, new { title = "two" });
        var page = await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks?sort=title&limit=1");

        var response = await user.Http.GetAsync($"/api/tasks?sort=due&limit=1&cursor={page!["next_cursor"]}");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_filter_whose_matches_lie_far_apart_pages_through_all_of_them_in_order()
    {
        // 1,200 tasks, written straight into the table (a read test may seed; 1,200 POSTs would flood the workers):
        // a listing filters the first 1,000 in sort order first, and must look further when those hold no full page.
        var user = await app.SignUpAsync();
        // Their Inbox, which the seeded tasks go into.
        (await user.Http.GetAsync("/api/lists", TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        int[] needles = [10, 1100, 1150];
        await using (var db = new NpgsqlConnection(await app.App.GetConnectionStringAsync("tasksdb", TestContext.Current.CancellationToken)))
        {
            await db.OpenAsync(TestContext.Current.CancellationToken);
            await using var seed = new NpgsqlCommand("""
                INSERT INTO tasks (user_id, list_id, title, priority, tags, time_zone, due_key, status, created_at, updated_at)
                SELECT u.id, (SELECT id FROM task_lists WHERE owner_id = u.id AND is_inbox), 'Filler ' || n, 1, CASE WHEN n = ANY(@needles) THEN ARRAY['needle'] ELSE ARRAY['hay'] END, 'UTC',
                       '9999-12-31T00:00:00Z', 'pending', timestamptz '2020-01-01T00:00:00Z' + n * interval '1 minute', now()
                FROM "AspNetUsers" u, generate_series(1, 1200) n
                WHERE u.email = @email
                """, db);
            seed.Parameters.AddWithValue("needles", needles);
            seed.Parameters.AddWithValue("email", user.Email);
            Assert.Equal(1200, await seed.ExecuteNonQueryAsync(TestContext.Current.CancellationToken));
        }

        Assert.Equal(["Filler 10", "Filler 1100", "Filler 1150"], await TitlesOfAllPagesAsync(user, "tag=needle&limit=2"));
        Assert.Equal(["Filler 1150", "Filler 1100", "Filler 10"], await TitlesOfAllPagesAsync(user, "tag=needle&sort=-created&limit=2"));
        Assert.Empty(await TitlesOfAllPagesAsync(user, "tag=needle&priority=high"));
        // Dense: the first 1,000 hold the page.
        Assert.Equal(["Filler 1", "Filler 2", "Filler 3"], await TitlesOfAllPagesAsync(user, "tag=hay&limit=3", maxPages: 1));
    }

    private static async Task<List<string>> TitlesOfAllPagesAsync(TaskFlowUser user, string queryString, int maxPages = 10)
    {
        var titles = new List<string>();
        string? cursor = null;
        for (var pages = 0; pages < maxPages; pages++)
        {
            var page = await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks?{queryString}{(cursor is null ? "" : "&cursor=" + cursor)}");
            titles.AddRange(page!["items"]!.AsArray().Select(t => t!["title"]!.GetValue<string>()));
            cursor = page["next_cursor"]?.GetValue<string>();
            if (cursor is null) break;
        }
        return titles;
    }

    private static async Task<int> CreateAsync(TaskFlowUser user, object body) =>
        (await user.CreateTaskAsync(body))["task_id"]!.GetValue<int>();

    private static async Task AssertListAsync(TaskFlowUser user, string queryString, params int[] expected)
    {
        var sorted = queryString.Contains("sort=");
        var page = await user.Http.GetFromJsonAsync<JsonObject>($"/api/tasks?{queryString}&limit=200");
        var actual = page!["items"]!.AsArray().Select(t => t!["task_id"]!.GetValue<int>()).ToArray();
        if (sorted) Assert.True(expected.SequenceEqual(actual), $"{queryString}: expected [{string.Join(",", expected)}], got [{string.Join(",", actual)}]");
        else Assert.True(expected.Order().SequenceEqual(actual.Order()), $"{queryString}: expected {{{string.Join(",", expected)}}}, got {{{string.Join(",", actual)}}}");
    }
}
