using Aspire.Hosting;
using Aspire.Hosting.Testing;
using StackExchange.Redis;
using TaskFlow.Api.Chat;
using TaskFlow.AppHost;

namespace TaskFlow.Tests.Redis;

/// <summary>
/// The local profile's Redis, either server (Redis:Server), run by the AppHost alone: what the services rely on it
/// for holds on both, and a user's data survives an AppHost restart.
/// </summary>
public sealed class LocalRedisTests : IAsyncLifetime
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "taskflow-redis-tests-" + Guid.NewGuid().ToString("N")[..8]);

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    /// <summary>
    /// One AppHost start and restart per server (each start takes seconds) for three things the services rely on:
    /// Lua scripts run one at a time (the reminder claim reads due entries, then removes them), conditional writes
    /// never both succeed (chat conversations' optimistic concurrency), and data survives a restart.
    /// </summary>
    [Theory]
    [InlineData("garnet")]
    [InlineData("redis-server")]
    public async Task Scripts_run_atomically_conditional_writes_race_safely_and_data_survives_an_AppHost_restart(string server)
    {
        await using (var redis = await RedisAlone.StartAsync(server, _dataPath))
        {
            await LuaScriptsRunOneAtATimeAsync(redis);
            await OfRacingConditionalWritesOnlyOneWinsAsync(redis);

            var db = redis.Connection.GetDatabase();
            await db.StringSetAsync("restart:string", "kept");
            await db.SortedSetAddAsync("restart:zset", [new SortedSetEntry("a", 1), new SortedSetEntry("b", 2)]);
            await db.HashSetAsync("restart:hash", [new HashEntry("data", "x"), new HashEntry("version", 1)]);
            await db.StringSetAsync("restart:expiring", 1, TimeSpan.FromDays(8));
        }

        await using (var redis = await RedisAlone.StartAsync(server, _dataPath))
        {
            var db = redis.Connection.GetDatabase();
            Assert.Equal("kept", await db.StringGetAsync("restart:string"));
            Assert.Equal([("a", 1.0), ("b", 2.0)],
                (await db.SortedSetRangeByRankWithScoresAsync("restart:zset")).Select(entry => ((string)entry.Element!, entry.Score)));
            Assert.Equal("1", await db.HashGetAsync("restart:hash", "version"));
            var lifetime = await db.KeyTimeToLiveAsync("restart:expiring");
            Assert.True(lifetime > TimeSpan.FromDays(7), $"the key's time to live after the restart: {lifetime?.ToString() ?? "none"}");
        }
    }

    /// <summary>The script reads a counter, spends a while, and writes it back plus one: any overlap loses increments.</summary>
    private static async Task LuaScriptsRunOneAtATimeAsync(RedisAlone redis)
    {
        const int callers = 6, callsEach = 50;
        var script = LuaScript.Prepare("""
            local value = tonumber(redis.call('GET', @key) or '0')
            for i = 1, 20000 do end
            redis.call('SET', @key, value + 1)
            return value + 1
            """);

        await Parallel.ForAsync(0, callers, async (_, _) =>
        {
            await using var connection = await redis.ConnectAsync();
            for (var i = 0; i < callsEach; i++)
                await connection.GetDatabase().ScriptEvaluateAsync(script, new { key = (RedisKey)"atomic:counter" });
        });

        var counted = (int)await redis.Connection.GetDatabase().StringGetAsync("atomic:counter");
        Assert.True(counted == callers * callsEach, $"{callers} callers ran a read-then-increment script {callsEach} times each; the counter reached {counted}");
    }

    /// <summary>Writers read the version, then write conditioned on it: the final version counts the successful writes.</summary>
    private static async Task OfRacingConditionalWritesOnlyOneWinsAsync(RedisAlone redis)
    {
        const int writers = 6, attemptsEach = 30;
        const string key = "conversation:race";
        var successes = 0;

        await Parallel.ForAsync(0, writers, async (_, cancellationToken) =>
        {
            await using var connection = await redis.ConnectAsync();
            var store = new RedisConversationStateStore(connection);
            for (var i = 0; i < attemptsEach; i++)
            {
                var read = await store.ReadAsync(key, cancellationToken);
                if (await store.TryWriteAsync(key, [1, 2, 3], read?.ETag, cancellationToken)) Interlocked.Increment(ref successes);
            }
        });

        var version = (await new RedisConversationStateStore(redis.Connection).ReadAsync(key, CancellationToken.None))?.ETag;
        Assert.True(version == successes.ToString(System.Globalization.CultureInfo.InvariantCulture),
            $"{successes} conditional writes succeeded, but the version is {version}: two won from the same version");
    }

    public ValueTask DisposeAsync()
    {
        try { Directory.Delete(_dataPath, recursive: true); }
        catch (DirectoryNotFoundException) { }
        return ValueTask.CompletedTask;
    }

    /// <summary>The AppHost with every resource but its Redis removed, started, and a connection to that Redis.</summary>
    private sealed class RedisAlone : IAsyncDisposable
    {
        private readonly DistributedApplication _app;
        private readonly string _connectionString;

        private RedisAlone(DistributedApplication app, string connectionString, ConnectionMultiplexer connection)
        {
            _app = app;
            _connectionString = connectionString;
            Connection = connection;
        }

        public ConnectionMultiplexer Connection { get; }

        public static async Task<RedisAlone> StartAsync(string server, string dataPath)
        {
            Assert.SkipWhen(server == "redis-server" && Prerequisites.FindOnPath("redis-server") is null,
                "redis-server is not on this machine's PATH (the local profile runs Garnet here)");
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(2));
            var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.TaskFlow_AppHost>(
                ["--Infrastructure=local", $"--LocalData:Path={dataPath}", $"--{LocalRedisServer.Setting}={server}"],
                (options, _) => options.DisableDashboard = true,
                cancellation.Token);
            foreach (var other in builder.Resources.Where(resource => resource.Name != "redis").ToList())
                builder.Resources.Remove(other);

            var app = await builder.BuildAsync(cancellation.Token);
            await app.StartAsync(cancellation.Token);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("redis", cancellation.Token);
            var connectionString = await app.GetConnectionStringAsync("redis", cancellation.Token)
                ?? throw new InvalidOperationException("The redis resource has no connection string.");
            return new RedisAlone(app, connectionString, await ConnectionMultiplexer.ConnectAsync(connectionString));
        }

        public async Task<ConnectionMultiplexer> ConnectAsync() => await ConnectionMultiplexer.ConnectAsync(_connectionString);

        public async ValueTask DisposeAsync()
        {
            await Connection.DisposeAsync();
            using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(1));
            await _app.StopAsync(cancellation.Token);
            await _app.DisposeAsync();
        }
    }
}
