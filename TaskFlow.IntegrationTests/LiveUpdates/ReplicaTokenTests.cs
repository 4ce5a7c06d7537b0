using System.Net;
using Aspire.Hosting.Testing;
using Npgsql;

namespace TaskFlow.IntegrationTests.LiveUpdates;

/// <summary>A bearer token is good on every Api replica, whichever one signed it.</summary>
public sealed class ReplicaTokenTests(TaskFlowServices app)
{
    [Fact]
    public async Task Replicas_started_together_share_one_key_and_accept_each_others_tokens()
    {
        // Each replica caches its key ring for a day: had both created a first key at start-up, one of them would
        // refuse the tokens signed with the other's (seen as a 401 on the updates session after a sign-in).
        await using var connection = new NpgsqlConnection(await app.App.GetConnectionStringAsync("tasksdb"));
        await connection.OpenAsync();
        await using var count = new NpgsqlCommand("SELECT count(*) FROM data_protection_keys", connection);
        Assert.Equal(1L, await count.ExecuteScalarAsync());

        var user = await app.SignUpAsync();
        foreach (var replica in app.ApiAddresses)
        {
            var response = await user.Http.GetAsync(new Uri(replica, "/api/tasks"));
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"GET /api/tasks on {replica}: {(int)response.StatusCode}");
        }
    }
}
