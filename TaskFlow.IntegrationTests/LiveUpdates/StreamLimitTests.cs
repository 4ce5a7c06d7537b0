using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Aspire.Hosting.Testing;
using Npgsql;

namespace TaskFlow.IntegrationTests.LiveUpdates;

/// <summary>
/// Live-update streams are capped per account and per Api instance: past a cap a clear 429 with Retry-After, and a flood
/// of streams leaves Redis, Postgres, the Api and the Workers answering.
/// </summary>
public sealed class StreamLimitTests(TaskFlowServices app)
{
    private const int PerUser = 20;

    [Fact]
    public async Task One_account_past_its_streams_gets_a_429_until_one_of_them_closes()
    {
        var user = await app.SignUpAsync();
        var streams = new List<HttpResponseMessage>();
        try
        {
            for (var i = 0; i < PerUser; i++) streams.Add(await OpenAsync(user.Http));
            Assert.All(streams, stream => Assert.Equal(HttpStatusCode.OK, stream.StatusCode));

            using var refused = await OpenAsync(user.Http);
            Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);
            Assert.Contains($"You have {PerUser} live-update streams open", await DetailAsync(refused));

            streams[0].Dispose();
            streams.RemoveAt(0);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
            HttpResponseMessage again;
            while ((again = await OpenAsync(user.Http)).StatusCode != HttpStatusCode.OK)
            {
                again.Dispose();
                Assert.True(DateTime.UtcNow < deadline, "a closed stream never gave its place back");
                await Task.Delay(200);
            }
            streams.Add(again);
        }
        finally
        {
            foreach (var stream in streams) stream.Dispose();
        }
    }

    [Fact]
    public async Task A_flood_of_streams_past_the_instance_cap_is_refused_and_everything_still_answers()
    {
        const int cap = 30;
        await using var api = await app.StartApiAsync(new Dictionary<string, string> { ["LiveUpdates:MaxStreams"] = $"{cap}" });
        var users = new List<TaskFlowUser>();
        for (var i = 0; i < 3; i++) users.Add(await app.SignUpAsync());
        var clients = users.Select(user =>
        {
            var client = api.CreatePlainClient();
            client.DefaultRequestHeaders.Authorization = user.Http.DefaultRequestHeaders.Authorization;
            return client;
        }).ToList();
        var streams = new List<HttpResponseMessage>();
        try
        {
            // 3 accounts x 15 streams, all at once: 45 asked, 30 fit.
            streams.AddRange(await Task.WhenAll(Enumerable.Range(0, 45).Select(i => OpenAsync(clients[i % clients.Count]))));

            Assert.Equal(cap, streams.Count(stream => stream.StatusCode == HttpStatusCode.OK));
            var refused = streams.Where(stream => stream.StatusCode != HttpStatusCode.OK).ToList();
            Assert.All(refused, stream => Assert.Equal(HttpStatusCode.TooManyRequests, stream.StatusCode));
            Assert.All(refused, stream => Assert.Equal(TimeSpan.FromSeconds(10), stream.Headers.RetryAfter?.Delta));
            Assert.Contains("as many live-update streams as it can", await DetailAsync(refused[0]));

            using var health = api.CreatePlainClient();
            Assert.Equal(HttpStatusCode.OK, (await health.GetAsync("/health")).StatusCode);
            using var otherApi = app.CreateApiClient();
            Assert.Equal(HttpStatusCode.OK, (await otherApi.GetAsync("/health")).StatusCode);
            using var workers = app.CreateWorkersClient();
            Assert.Equal(HttpStatusCode.OK, (await workers.GetAsync("/health")).StatusCode);
            await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync((await app.App.GetConnectionStringAsync("redis"))!))
                await redis.GetDatabase().PingAsync();
            await using (var postgres = new NpgsqlConnection(await app.App.GetConnectionStringAsync("tasksdb")))
            {
                await postgres.OpenAsync();
                await using var select = new NpgsqlCommand("SELECT 1", postgres);
                Assert.Equal(1, await select.ExecuteScalarAsync());
            }
            // And a signed-in user is still served, by the flooded instance too.
            Assert.Equal(HttpStatusCode.OK, (await clients[0].GetAsync("/api/tasks")).StatusCode);
        }
        finally
        {
            foreach (var stream in streams) stream.Dispose();
            foreach (var client in clients) client.Dispose();
        }
    }

    private static async Task<HttpResponseMessage> OpenAsync(HttpClient client)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/updates");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        return await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
    }

    private static async Task<string> DetailAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]!.GetValue<string>();
}
