using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using TaskFlow.Messaging;
using TaskFlow.Messaging.Dapr;
using TaskFlow.Messaging.Kafka;
using TaskFlow.Messaging.LiveFeed;
using TaskFlow.Messaging.Publishing;

namespace TaskFlow.UnitTests.Messaging;

/// <summary>What <c>Messaging:Transport</c> changes in a service's registrations, and what stays Kafka (see <see cref="MessagingTransport"/>).</summary>
public sealed class MessagingTransportTests : IAsyncLifetime
{
    // The Dapr transport reads the sidecar's secret store while the service is being configured.
    private WebApplication _sidecar = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        _sidecar = builder.Build();
        _sidecar.MapGet($"/v1.0/secrets/{DaprSidecar.SecretStoreName}/bulk", () => Results.Json(new Dictionary<string, Dictionary<string, string>>()));
        await _sidecar.StartAsync();
    }

    public async ValueTask DisposeAsync() => await _sidecar.DisposeAsync();

    [Theory]
    [InlineData(MessagingTransport.Kafka, typeof(KafkaEventPublisher))]
    [InlineData(MessagingTransport.Dapr, typeof(DaprEventPublisher))]
    public void The_transport_decides_who_publishes(string transport, Type publisher)
    {
        using var service = Build(transport);

        Assert.IsType(publisher, service.Services.GetRequiredService<IEventPublisher>());
    }

    [Theory]
    [InlineData(MessagingTransport.Kafka)]
    [InlineData(MessagingTransport.Dapr)]
    public void The_live_feed_topic_provisioning_and_the_broker_check_are_Kafka_whatever_the_transport(string transport)
    {
        using var service = Build(transport);

        Assert.IsType<KafkaLiveFeed>(service.Services.GetRequiredService<ILiveFeed>());
        Assert.Contains(service.Services.GetServices<IHostedService>(), hosted => hosted is TopicProvisioner);
        var checks = service.Services.GetRequiredService<IOptions<HealthCheckServiceOptions>>().Value.Registrations.Select(check => check.Name);
        Assert.Equal(["event-pipeline", "kafka", "live-updates"], checks.Order());
    }

    private IHost Build(string transport)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration[MessagingTransport.Setting] = transport;
        builder.Configuration["ConnectionStrings:kafka"] = "127.0.0.1:9";
        builder.Configuration[DaprSidecar.HttpPortSetting] = new Uri(_sidecar.Services.GetRequiredService<IServer>()
            .Features.Get<IServerAddressesFeature>()!.Addresses.Single()).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        builder.AddMessaging();
        builder.AddLiveFeed();
        return builder.Build();
    }
}
