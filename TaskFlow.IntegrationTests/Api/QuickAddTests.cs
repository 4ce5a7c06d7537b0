using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Api;

/// <summary>Quick add over HTTP: the preview creates nothing, creation with text stores what the preview showed, and bad lines get the task body's 400s.</summary>
public sealed class QuickAddTests(TaskFlowServices app)
{
    [Fact]
    public async Task The_preview_shows_the_task_and_the_words_that_made_it_and_creates_nothing()
    {
        var user = await app.SignUpAsync();

        var preview = await ParseAsync(user, new { text = "Pay rent every month on the 1st at 9am #bills !high", time_zone = "Europe/Berlin" });

        var task = preview["task"]!;
        Assert.Equal("Pay rent", task["title"]!.GetValue<string>());
        Assert.Equal("high", task["priority"]!.GetValue<string>());
        Assert.Equal(["bills"], task["tags"]!.AsArray().Select(t => t!.GetValue<string>()));
        Assert.Equal("FREQ=MONTHLY;BYMONTHDAY=1", task["recurrence"]!.GetValue<string>());
        Assert.Equal("Europe/Berlin", task["time_zone"]!.GetValue<string>());
        var dueAt = DateTimeOffset.Parse(task["due_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var berlin = TimeZoneInfo.ConvertTime(dueAt, TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin"));
        // The offset written is Berlin's own on that day.
        Assert.Equal((1, new TimeOnly(9, 0), berlin.Offset), (berlin.Day, TimeOnly.FromDateTime(berlin.DateTime), dueAt.Offset));
        Assert.Equal(
            [("recurrence", 9, 22), ("due", 32, 6), ("tags", 39, 6), ("priority", 46, 5)],
            preview["understood"]!.AsArray().Select(s => (s!["field"]!.GetValue<string>(), s["start"]!.GetValue<int>(), s["length"]!.GetValue<int>())));
        Assert.Equal("month_first", preview["date_order"]!.GetValue<string>());
        Assert.Equal("monthly on the 1st", preview["recurrence_words"]!.GetValue<string>());
        Assert.Empty((await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task Creating_with_text_stores_the_fields_it_says_and_fields_sent_beside_it_win()
    {
        var user = await app.SignUpAsync();

        var created = await user.CreateTaskAsync(new { text = "Call the bank tomorrow at 5pm remind me 30 min before @finance", time_zone = "America/New_York", priority = "low" });

        Assert.Equal("Call the bank", created["title"]!.GetValue<string>());
        Assert.Equal("finance", created["category"]!.GetValue<string>());
        Assert.Equal("low", created["priority"]!.GetValue<string>());
        Assert.Equal("PT30M", created["remind_before"]!.GetValue<string>());
        Assert.Equal("America/New_York", created["time_zone"]!.GetValue<string>());
        var dueAt = DateTimeOffset.Parse(created["due_at"]!.GetValue<string>(), System.Globalization.CultureInfo.InvariantCulture);
        var newYork = TimeZoneInfo.FindSystemTimeZoneById("America/New_York");
        var tomorrow = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(DateTimeOffset.UtcNow, newYork).DateTime).AddDays(1);
        Assert.Equal(tomorrow.ToDateTime(new TimeOnly(17, 0)), TimeZoneInfo.ConvertTime(dueAt, newYork).DateTime);
    }

    [Fact]
    public async Task Numeric_dates_follow_the_locale_sent_or_else_the_Accept_Language_header()
    {
        var user = await app.SignUpAsync();

        var british = await ParseAsync(user, new { text = "Dentist 12/11/2031", locale = "en-GB" });
        Assert.Equal("2031-11-12", british["task"]!["due_date"]!.GetValue<string>());
        Assert.Equal("day_first", british["date_order"]!.GetValue<string>());

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks/parse") { Content = JsonContent.Create(new { text = "Dentist 12/11/2031" }) };
        request.Headers.AcceptLanguage.ParseAdd("de-DE,en;q=0.8");
        var german = await (await user.Http.SendAsync(request)).Content.ReadFromJsonAsync<JsonObject>();
        Assert.Equal("2031-11-12", german!["task"]!["due_date"]!.GetValue<string>());

        var american = await ParseAsync(user, new { text = "Dentist 12/11/2031" });
        Assert.Equal("2031-12-11", american["task"]!["due_date"]!.GetValue<string>());
    }

    [Theory]
    // Nothing left for a title: the task body's own rule answers.
    [InlineData("""{"text":"tomorrow at 5pm"}""", "title", "blank")]
    [InlineData("""{"text":"Stand-up every day until 2020-01-01"}""", "recurrence", "UNTIL")]
    [InlineData("""{"text":"Call Bob tomorrow remind me 30 min before"}""", "remind_before", "due_at")]
    [InlineData("""{"text":"Plan #a #b #c #d #e #f #g #h #i #j #k #l #m #n #o #p #q #r #s #t #u"}""", "tags", "at most")]
    [InlineData("""{"text":"Plan","locale":"xx-nowhere-at-all"}""", "locale", "BCP 47")]
    [InlineData("""{"text":"Plan","time_zone":"Mars/Olympus"}""", "time_zone", "IANA")]
    [InlineData("""{"text":42}""", "text", "string")]
    [InlineData("""{"text":"   "}""", "text", "blank")]
    [InlineData("""{"text":"Plan","colour":"red"}""", "colour", "Unknown field")]
    public async Task A_line_that_makes_no_valid_task_is_a_400_naming_the_field_when_previewed_and_when_created(string body, string field, string problem)
    {
        var user = await app.SignUpAsync();

        foreach (var path in new[] { "/api/tasks/parse", "/api/tasks" })
        {
            var response = await user.PostRawAsync(path, body);
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            var errors = (await response.Content.ReadFromJsonAsync<JsonObject>())!["errors"]!;
            Assert.Contains(problem, errors[field]!.AsArray()[0]!.GetValue<string>(), StringComparison.OrdinalIgnoreCase);
        }
        Assert.Empty((await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray());
    }

    [Fact]
    public async Task A_preview_without_text_or_not_json_is_a_400_and_another_media_type_a_415()
    {
        var user = await app.SignUpAsync();

        var noText = await user.PostRawAsync("/api/tasks/parse", """{"title":"Plan"}""");
        Assert.Equal(HttpStatusCode.BadRequest, noText.StatusCode);
        Assert.Contains("text", await noText.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.BadRequest, (await user.PostRawAsync("/api/tasks/parse", "{\"text\":")).StatusCode);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, (await user.PostRawAsync("/api/tasks/parse", "Plan tomorrow", "text/plain")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await app.CreateApiClient().PostAsJsonAsync("/api/tasks/parse", new { text = "Plan" })).StatusCode);
    }

    [Fact]
    public async Task A_replayed_text_creation_with_its_idempotency_key_creates_one_task()
    {
        var user = await app.SignUpAsync();
        const string body = """{"text":"Renew passport in 2 weeks !high"}""";

        Task<HttpResponseMessage> SendAsync()
        {
            var request = new HttpRequestMessage(HttpMethod.Post, "/api/tasks") { Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json") };
            request.Headers.Add("Idempotency-Key", "renew-passport");
            return user.Http.SendAsync(request);
        }
        var first = await SendAsync();
        var second = await SendAsync();

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, second.StatusCode);
        Assert.Equal("true", second.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Single((await user.Http.GetFromJsonAsync<JsonObject>("/api/tasks"))!["items"]!.AsArray());
    }

    private static async Task<JsonObject> ParseAsync(TaskFlowUser user, object body)
    {
        var response = await user.Http.PostAsJsonAsync("/api/tasks/parse", body);
        Assert.True(response.IsSuccessStatusCode, $"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }
}
