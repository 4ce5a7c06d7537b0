using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using TaskFlow.Messaging.Kafka;

namespace TaskFlow.UnitTests.LiveUpdates;

/// <summary>
/// An Api instance whose feed has not begun reading task-updates (the broker does not answer): a new stream waits a
/// bounded time and is then refused (GET /api/updates answers 503 with Retry-After), and /health says not ready.
/// </summary>
public sealed class KafkaLiveFeedStartTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly KafkaLiveFeed _feed;

    public KafkaLiveFeedStartTests()
    {
        // Never started: the state of an instance whose broker has not answered yet.
        var clients = new KafkaClientFactory(Options.Create(new KafkaOptions { BootstrapServers = "127.0.0.1:9" }), NullLoggerFactory.Instance);
        var environment = new HostingEnvironment { ApplicationName = "tests" };
        _feed = new KafkaLiveFeed(clients, new KafkaFeedReplay(clients, environment, NullLogger<KafkaFeedReplay>.Instance),
            environment, _clock, NullLogger<KafkaLiveFeed>.Instance);
    }

    [Fact]
    public async Task A_new_stream_waits_for_a_starting_feed_only_so_long()
    {
        var subscribing = _feed.SubscribeAsync("user", [1], TestContext.Current.CancellationToken);

        _clock.Advance(KafkaLiveFeed.StartWait - TimeSpan.FromMilliseconds(1));
        Assert.False(subscribing.IsCompleted, "gave up before StartWait");
        _clock.Advance(TimeSpan.FromMilliseconds(1));

        Assert.Null(await subscribing.WaitAsync(TimeSpan.FromSeconds(10), TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_feed_that_is_not_reading_makes_the_instance_unready()
    {
        var result = await _feed.CheckHealthAsync(new HealthCheckContext(), TestContext.Current.CancellationToken);

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Contains("Not reading task-updates", result.Description);
    }
}
