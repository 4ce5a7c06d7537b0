using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using TaskFlow.AppHost;
using static TaskFlow.Tests.AppModel;

namespace TaskFlow.Tests.Redis;

/// <summary>Which Redis server the local profile declares (Redis:Server), read from the AppHost's app model (no start).</summary>
public sealed class LocalRedisChoiceTests
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "taskflow-model-" + Guid.NewGuid().ToString("N")[..8]);

    [Fact]
    public async Task Garnet_runs_from_its_project_on_loopback_with_its_data_in_the_local_data_folder()
    {
        await using var builder = await CreateBuilderAsync("--Redis:Server=garnet");

        var garnet = Assert.IsType<LocalGarnetResource>(builder.Resources.Single(r => r.Name == "redis"));
        Assert.Equal("TaskFlow.AppHost.Garnet.csproj", Path.GetFileName(garnet.Annotations.OfType<IProjectMetadata>().Single().ProjectPath));
        var args = await ArgumentsAsync(garnet);
        Assert.Equal(EndpointProperty.TargetPort, Assert.IsType<EndpointReferenceExpression>(Option(args, "--port")).Property);
        Assert.Equal("127.0.0.1", Option(args, "--bind"));
        Assert.Equal(Path.Combine(_dataPath, "garnet"), Option(args, "--checkpointdir"));
        Assert.Single(garnet.Annotations.OfType<HealthCheckAnnotation>());
    }

    [Fact]
    public async Task Auto_runs_redis_server_when_it_is_on_PATH_and_Garnet_otherwise()
    {
        // Explicitly: the setting may also come from the environment (Redis__Server=garnet runs the tests on Garnet).
        await using var builder = await CreateBuilderAsync("--Redis:Server=auto");

        var redis = builder.Resources.Single(r => r.Name == "redis");
        if (Prerequisites.FindOnPath("redis-server") is { } redisServer)
        {
            var local = Assert.IsType<LocalRedisResource>(redis);
            Assert.Equal(redisServer, local.Command);
            Assert.Equal(Path.Combine(_dataPath, "redis"), Option(await ArgumentsAsync(local), "--dir"));
        }
        else
        {
            Assert.IsType<LocalGarnetResource>(redis);
        }
    }

    [Fact]
    public async Task An_unknown_server_stops_the_AppHost_with_one_sentence()
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(() => CreateBuilderAsync("--Redis:Server=valkey"));

        Assert.Contains("The Redis:Server setting must be auto, redis-server or garnet, not 'valkey'.", error.ToString());
    }

    private async Task<IDistributedApplicationTestingBuilder> CreateBuilderAsync(params string[] arguments)
    {
        using var cancellation = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        return await DistributedApplicationTestingBuilder.CreateAsync<Projects.TaskFlow_AppHost>(
            ["--Infrastructure=local", $"--LocalData:Path={_dataPath}", .. arguments], cancellation.Token);
    }
}
