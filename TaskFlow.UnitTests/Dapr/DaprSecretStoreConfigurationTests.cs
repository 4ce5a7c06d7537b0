using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using TaskFlow.Messaging.Dapr;

namespace TaskFlow.UnitTests.Dapr;

/// <summary>With the Dapr transport, secrets are configuration read from the sidecar's secret store (contract: daprd's HTTP API).</summary>
public sealed class DaprSecretStoreConfigurationTests
{
    [Fact]
    public async Task Secrets_from_the_sidecars_bulk_api_become_configuration()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var sidecar = builder.Build();
        // The body daprd answers for a local file store with nestedSeparator ":".
        sidecar.MapGet("/v1.0/secrets/local-secret-store/bulk", () => Results.Json(new Dictionary<string, Dictionary<string, string>>
        {
            ["Chat:ApiKey"] = new() { ["Chat:ApiKey"] = "sk-development" },
            ["example:note"] = new() { ["example:note"] = "placeholder" },
        }));
        await sidecar.StartAsync();
        var address = new Uri(sidecar.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single());

        var configuration = new ConfigurationBuilder().AddDaprSecretStore(address).Build();

        Assert.Equal("sk-development", configuration["Chat:ApiKey"]);
        Assert.Equal("placeholder", configuration.GetSection("example")["note"]);
        await sidecar.StopAsync();
    }

    [Fact]
    public void The_secret_store_name_is_a_setting()
    {
        Assert.Equal(DaprSidecar.SecretStoreName, DaprSidecar.SecretStore(new ConfigurationBuilder().Build()));
        var onKubernetes = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { [DaprSidecar.SecretStoreSetting] = "kubernetes" }).Build();
        Assert.Equal("kubernetes", DaprSidecar.SecretStore(onKubernetes));

        var exception = Assert.Throws<InvalidOperationException>(() =>
            new ConfigurationBuilder().AddDaprSecretStore(new Uri("http://127.0.0.1:9"), DaprSidecar.SecretStore(onKubernetes), TimeSpan.FromSeconds(1)).Build());
        Assert.Contains("kubernetes", exception.Message);
    }

    [Fact]
    public void A_sidecar_that_never_answers_stops_the_start_with_a_sentence_saying_so()
    {
        var nobody = new Uri("http://127.0.0.1:9");

        var exception = Assert.Throws<InvalidOperationException>(() =>
            new ConfigurationBuilder().AddDaprSecretStore(nobody, waitForSidecar: TimeSpan.FromSeconds(1)).Build());

        Assert.Contains("local-secret-store", exception.Message);
    }
}
