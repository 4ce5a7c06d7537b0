using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace TaskFlow.IntegrationTests.Workers;

/// <summary>Bad reminder, snooze, webhook and notification-query input is a 400 naming the field.</summary>
public sealed class NotificationInputTests(TaskFlowServices app)
{
    [Theory]
    [InlineData("""{"title":"t","remind_before":"PT15M"}""", "remind_before")]
    [InlineData("""{"title":"t","due_at":"2030-01-01T00:00:00Z","remind_before":"15 minutes"}""", "remind_before")]
    [InlineData("""{"title":"t","remind_at":"tomorrow"}""", "remind_at")]
    [InlineData("""{"title":"t","remind_at":"2030-01-01T00:00:00Z","due_at":"2030-01-01T01:00:00Z","remind_before":"PT1M"}""", "remind_before")]
    public async Task Bad_reminder_fields_are_400s_naming_the_field(string body, string field)
    {
        var user = await app.SignUpAsync();

        var response = await user.PostRawAsync("/api/tasks", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
    }

    [Theory]
    [InlineData("unread=maybe", "unread")]
    [InlineData("limit=ten", "limit")]
    public async Task A_notification_query_value_of_the_wrong_type_is_a_400_naming_it(string queryString, string parameter)
    {
        var user = await app.SignUpAsync();

        var response = await user.Http.GetAsync($"/api/notifications?{queryString}");

        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{queryString}: {(int)response.StatusCode} {text}");
        Assert.Contains(parameter, JsonNode.Parse(text)!["detail"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"until":"\ud83d"}""", "until")]
    [InlineData("""{"minutes":"ten"}""", "minutes")]
    [InlineData("""{"minutes":10081}""", "minutes")]
    [InlineData("""[]""", "body")]
    public async Task A_bad_snooze_is_a_400_naming_the_field(string body, string field)
    {
        var user = await app.SignUpAsync();

        var response = await user.Http.PostAsync($"/api/notifications/{Guid.NewGuid()}/snooze", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
    }

    [Theory]
    [InlineData("""{"url":"ftp://example.test/hook","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"/relative","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"https://example.test/hook","secret":"short"}""", "secret")]
    [InlineData("""{"secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"https://example.test/hook","secret":"sixteen-chars\u0000ok"}""", "secret")]
    [InlineData("""{"url":"https://example.test/hook","secret":"sixteen-chars-\ud800"}""", "secret")]
    [InlineData("""{"url":"https://127.0.0.1/\u0000","secret":"sixteen-chars-ok"}""", "url")]
    // Server-side request forgery: the Api, the Workers, Postgres, Redis and the broker all listen on loopback here.
    [InlineData("""{"url":"http://127.0.0.1:8000/","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"http://localhost:6379/","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"http://[::1]:5432/","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"http://2130706433/","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"http://169.254.169.254/latest/meta-data/","secret":"sixteen-chars-ok"}""", "url")]
    [InlineData("""{"url":"https://example.test/a\r\nX-Injected: 1","secret":"sixteen-chars-ok"}""", "url")]
    public async Task A_bad_webhook_is_a_400_naming_the_field(string body, string field)
    {
        var user = await app.SignUpAsync();

        var response = await user.Http.PutAsync("/api/me/webhook", new StringContent(body, Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]![field]);
    }
}
